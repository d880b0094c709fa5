/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/unit/plan.test.ts > TAP > plan for bgp-as.yaml > commands 1`] = `
# plan for lab 'bgpas': 8 namespaces, 142 operations

# stage namespaces (8)
ip netns add nslab-bgpas.r1
ip netns add nslab-bgpas.r2
ip netns add nslab-bgpas.r3
ip netns add nslab-bgpas.r4
ip netns add nslab-bgpas.h1
ip netns add nslab-bgpas.h2
ip netns add nslab-bgpas.h3
ip netns add nslab-bgpas.h4

# stage links (8)
ip link add name eth0 address 02:c5:ce:00:01:00 index 4096 netns nslab-bgpas.r1 type veth peer name eth0 address 02:c5:ce:00:02:00 index 8192 netns nslab-bgpas.r2
ip link add name eth1 address 02:c5:ce:00:02:01 index 8193 netns nslab-bgpas.r2 type veth peer name eth0 address 02:c5:ce:00:03:00 index 12288 netns nslab-bgpas.r3
ip link add name eth1 address 02:c5:ce:00:03:01 index 12289 netns nslab-bgpas.r3 type veth peer name eth0 address 02:c5:ce:00:04:00 index 16384 netns nslab-bgpas.r4
ip link add name eth1 address 02:c5:ce:00:04:01 index 16385 netns nslab-bgpas.r4 type veth peer name eth1 address 02:c5:ce:00:01:01 index 4097 netns nslab-bgpas.r1
ip link add name eth0 address 02:c5:ce:00:05:00 index 20480 netns nslab-bgpas.h1 type veth peer name eth2 address 02:c5:ce:00:01:02 index 4098 netns nslab-bgpas.r1
ip link add name eth0 address 02:c5:ce:00:06:00 index 24576 netns nslab-bgpas.h2 type veth peer name eth2 address 02:c5:ce:00:02:02 index 8194 netns nslab-bgpas.r2
ip link add name eth0 address 02:c5:ce:00:07:00 index 28672 netns nslab-bgpas.h3 type veth peer name eth2 address 02:c5:ce:00:03:02 index 12290 netns nslab-bgpas.r3
ip link add name eth0 address 02:c5:ce:00:08:00 index 32768 netns nslab-bgpas.h4 type veth peer name eth2 address 02:c5:ce:00:04:02 index 16386 netns nslab-bgpas.r4

# stage configure (104)
ip netns exec nslab-bgpas.r1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-bgpas.r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-bgpas.r2 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-bgpas.r2 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-bgpas.r3 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-bgpas.r3 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-bgpas.r4 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-bgpas.r4 sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n nslab-bgpas.r1 link set dev lo up
ip -n nslab-bgpas.r1 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.r1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-bgpas.r1 link set dev eth0 up
ip -n nslab-bgpas.r1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-bgpas.r1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-bgpas.r1 link set dev eth1 addrgenmode none
ip -n nslab-bgpas.r1 addr add fe80::2/64 dev eth1 nodad
ip -n nslab-bgpas.r1 link set dev eth1 up
ip -n nslab-bgpas.r1 addr add 10.10.3.2/24 dev eth1
ip -n nslab-bgpas.r1 addr add fd00:10:0:3::2/64 dev eth1 nodad
ip -n nslab-bgpas.r1 link set dev eth2 addrgenmode none
ip -n nslab-bgpas.r1 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-bgpas.r1 link set dev eth2 up
ip -n nslab-bgpas.r1 addr add 10.10.4.1/24 dev eth2
ip -n nslab-bgpas.r1 addr add fd00:10:0:4::1/64 dev eth2 nodad
ip -n nslab-bgpas.r2 link set dev lo up
ip -n nslab-bgpas.r2 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.r2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-bgpas.r2 link set dev eth0 up
ip -n nslab-bgpas.r2 addr add 10.10.0.2/24 dev eth0
ip -n nslab-bgpas.r2 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-bgpas.r2 link set dev eth1 addrgenmode none
ip -n nslab-bgpas.r2 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-bgpas.r2 link set dev eth1 up
ip -n nslab-bgpas.r2 addr add 10.10.1.1/24 dev eth1
ip -n nslab-bgpas.r2 addr add fd00:10:0:1::1/64 dev eth1 nodad
ip -n nslab-bgpas.r2 link set dev eth2 addrgenmode none
ip -n nslab-bgpas.r2 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-bgpas.r2 link set dev eth2 up
ip -n nslab-bgpas.r2 addr add 10.10.5.1/24 dev eth2
ip -n nslab-bgpas.r2 addr add fd00:10:0:5::1/64 dev eth2 nodad
ip -n nslab-bgpas.r3 link set dev lo up
ip -n nslab-bgpas.r3 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.r3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-bgpas.r3 link set dev eth0 up
ip -n nslab-bgpas.r3 addr add 10.10.1.2/24 dev eth0
ip -n nslab-bgpas.r3 addr add fd00:10:0:1::2/64 dev eth0 nodad
ip -n nslab-bgpas.r3 link set dev eth1 addrgenmode none
ip -n nslab-bgpas.r3 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-bgpas.r3 link set dev eth1 up
ip -n nslab-bgpas.r3 addr add 10.10.2.1/24 dev eth1
ip -n nslab-bgpas.r3 addr add fd00:10:0:2::1/64 dev eth1 nodad
ip -n nslab-bgpas.r3 link set dev eth2 addrgenmode none
ip -n nslab-bgpas.r3 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-bgpas.r3 link set dev eth2 up
ip -n nslab-bgpas.r3 addr add 10.10.6.1/24 dev eth2
ip -n nslab-bgpas.r3 addr add fd00:10:0:6::1/64 dev eth2 nodad
ip -n nslab-bgpas.r4 link set dev lo up
ip -n nslab-bgpas.r4 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.r4 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-bgpas.r4 link set dev eth0 up
ip -n nslab-bgpas.r4 addr add 10.10.2.2/24 dev eth0
ip -n nslab-bgpas.r4 addr add fd00:10:0:2::2/64 dev eth0 nodad
ip -n nslab-bgpas.r4 link set dev eth1 addrgenmode none
ip -n nslab-bgpas.r4 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-bgpas.r4 link set dev eth1 up
ip -n nslab-bgpas.r4 addr add 10.10.3.1/24 dev eth1
ip -n nslab-bgpas.r4 addr add fd00:10:0:3::1/64 dev eth1 nodad
ip -n nslab-bgpas.r4 link set dev eth2 addrgenmode none
ip -n nslab-bgpas.r4 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-bgpas.r4 link set dev eth2 up
ip -n nslab-bgpas.r4 addr add 10.10.7.1/24 dev eth2
ip -n nslab-bgpas.r4 addr add fd00:10:0:7::1/64 dev eth2 nodad
ip -n nslab-bgpas.h1 link set dev lo up
ip -n nslab-bgpas.h1 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.h1 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-bgpas.h1 link set dev eth0 up
ip -n nslab-bgpas.h1 addr add 10.10.4.2/24 dev eth0
ip -n nslab-bgpas.h1 addr add fd00:10:0:4::2/64 dev eth0 nodad
ip -n nslab-bgpas.h1 route add 0.0.0.0/0 via 10.10.4.1
ip -n nslab-bgpas.h1 route add ::/0 via fd00:10:0:4::1
ip -n nslab-bgpas.h2 link set dev lo up
ip -n nslab-bgpas.h2 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-bgpas.h2 link set dev eth0 up
ip -n nslab-bgpas.h2 addr add 10.10.5.2/24 dev eth0
ip -n nslab-bgpas.h2 addr add fd00:10:0:5::2/64 dev eth0 nodad
ip -n nslab-bgpas.h2 route add 0.0.0.0/0 via 10.10.5.1
ip -n nslab-bgpas.h2 route add ::/0 via fd00:10:0:5::1
ip -n nslab-bgpas.h3 link set dev lo up
ip -n nslab-bgpas.h3 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.h3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-bgpas.h3 link set dev eth0 up
ip -n nslab-bgpas.h3 addr add 10.10.6.2/24 dev eth0
ip -n nslab-bgpas.h3 addr add fd00:10:0:6::2/64 dev eth0 nodad
ip -n nslab-bgpas.h3 route add 0.0.0.0/0 via 10.10.6.1
ip -n nslab-bgpas.h3 route add ::/0 via fd00:10:0:6::1
ip -n nslab-bgpas.h4 link set dev lo up
ip -n nslab-bgpas.h4 link set dev eth0 addrgenmode none
ip -n nslab-bgpas.h4 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-bgpas.h4 link set dev eth0 up
ip -n nslab-bgpas.h4 addr add 10.10.7.2/24 dev eth0
ip -n nslab-bgpas.h4 addr add fd00:10:0:7::2/64 dev eth0 nodad
ip -n nslab-bgpas.h4 route add 0.0.0.0/0 via 10.10.7.1
ip -n nslab-bgpas.h4 route add ::/0 via fd00:10:0:7::1

# stage services (22)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab bgpas
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'bgpas', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	r1 r1-eth0
10.10.3.2	r1 r1-eth1
10.10.4.1	r1 r1-eth2
10.10.0.2	r2 r2-eth0
10.10.1.1	r2 r2-eth1
10.10.5.1	r2 r2-eth2
10.10.1.2	r3 r3-eth0
10.10.2.1	r3 r3-eth1
10.10.6.1	r3 r3-eth2
10.10.2.2	r4 r4-eth0
10.10.3.1	r4 r4-eth1
10.10.7.1	r4 r4-eth2
10.10.4.2	h1 h1-eth0
10.10.5.2	h2 h2-eth0
10.10.6.2	h3 h3-eth0
10.10.7.2	h4 h4-eth0
fd00:10::1	r1 r1-eth0
fd00:10:0:3::2	r1 r1-eth1
fd00:10:0:4::1	r1 r1-eth2
fd00:10::2	r2 r2-eth0
fd00:10:0:1::1	r2 r2-eth1
fd00:10:0:5::1	r2 r2-eth2
fd00:10:0:1::2	r3 r3-eth0
fd00:10:0:2::1	r3 r3-eth1
fd00:10:0:6::1	r3 r3-eth2
fd00:10:0:2::2	r4 r4-eth0
fd00:10:0:3::1	r4 r4-eth1
fd00:10:0:7::1	r4 r4-eth2
fd00:10:0:4::2	h1 h1-eth0
fd00:10:0:5::2	h2 h2-eth0
fd00:10:0:6::2	h3 h3-eth0
fd00:10:0:7::2	h4 h4-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab bgpas
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'bgpas', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r1/etc_frr && chown frr: "$LAB_DIR"/nodes/r1/etc_frr  # /etc/frr of node r1
cat > "$LAB_DIR"/nodes/r1/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r1
!
router bgp 64512
 bgp router-id 10.10.0.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp bestpath as-path multipath-relax
 timers bgp 1 3
 neighbor 10.10.0.2 remote-as 64513
 neighbor 10.10.0.2 timers connect 1
 neighbor 10.10.0.2 advertisement-interval 0
 neighbor fd00:10::2 remote-as 64513
 neighbor fd00:10::2 timers connect 1
 neighbor fd00:10::2 advertisement-interval 0
 neighbor 10.10.3.1 remote-as 65004
 neighbor 10.10.3.1 timers connect 1
 neighbor 10.10.3.1 advertisement-interval 0
 neighbor fd00:10:0:3::1 remote-as 65004
 neighbor fd00:10:0:3::1 timers connect 1
 neighbor fd00:10:0:3::1 advertisement-interval 0
 address-family ipv4 unicast
  redistribute connected
  neighbor 10.10.0.2 activate
  neighbor 10.10.3.1 activate
 exit-address-family
 address-family ipv6 unicast
  redistribute connected
  neighbor fd00:10::2 activate
  neighbor fd00:10:0:3::1 activate
 exit-address-family
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r1/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r1/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r1
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r1/var_run_frr && chown frr: "$LAB_DIR"/nodes/r1/var_run_frr  # /var/run/frr of node r1
mkdir -p "$LAB_DIR"/nodes/r1/var_log_frr && chown frr: "$LAB_DIR"/nodes/r1/var_log_frr  # /var/log/frr of node r1
mkdir -p "$LAB_DIR"/nodes/r2/etc_frr && chown frr: "$LAB_DIR"/nodes/r2/etc_frr  # /etc/frr of node r2
cat > "$LAB_DIR"/nodes/r2/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r2
!
router bgp 64513
 bgp router-id 10.10.0.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp bestpath as-path multipath-relax
 timers bgp 1 3
 neighbor 10.10.0.1 remote-as 64512
 neighbor 10.10.0.1 timers connect 1
 neighbor 10.10.0.1 advertisement-interval 0
 neighbor fd00:10::1 remote-as 64512
 neighbor fd00:10::1 timers connect 1
 neighbor fd00:10::1 advertisement-interval 0
 neighbor 10.10.1.2 remote-as 64514
 neighbor 10.10.1.2 timers connect 1
 neighbor 10.10.1.2 advertisement-interval 0
 neighbor fd00:10:0:1::2 remote-as 64514
 neighbor fd00:10:0:1::2 timers connect 1
 neighbor fd00:10:0:1::2 advertisement-interval 0
 address-family ipv4 unicast
  redistribute connected
  neighbor 10.10.0.1 activate
  neighbor 10.10.1.2 activate
 exit-address-family
 address-family ipv6 unicast
  redistribute connected
  neighbor fd00:10::1 activate
  neighbor fd00:10:0:1::2 activate
 exit-address-family
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r2/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r2/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r2
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r2/var_run_frr && chown frr: "$LAB_DIR"/nodes/r2/var_run_frr  # /var/run/frr of node r2
mkdir -p "$LAB_DIR"/nodes/r2/var_log_frr && chown frr: "$LAB_DIR"/nodes/r2/var_log_frr  # /var/log/frr of node r2
mkdir -p "$LAB_DIR"/nodes/r3/etc_frr && chown frr: "$LAB_DIR"/nodes/r3/etc_frr  # /etc/frr of node r3
cat > "$LAB_DIR"/nodes/r3/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r3
!
router bgp 64514
 bgp router-id 10.10.1.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp bestpath as-path multipath-relax
 timers bgp 1 3
 neighbor 10.10.1.1 remote-as 64513
 neighbor 10.10.1.1 timers connect 1
 neighbor 10.10.1.1 advertisement-interval 0
 neighbor fd00:10:0:1::1 remote-as 64513
 neighbor fd00:10:0:1::1 timers connect 1
 neighbor fd00:10:0:1::1 advertisement-interval 0
 neighbor 10.10.2.2 remote-as 65004
 neighbor 10.10.2.2 timers connect 1
 neighbor 10.10.2.2 advertisement-interval 0
 neighbor fd00:10:0:2::2 remote-as 65004
 neighbor fd00:10:0:2::2 timers connect 1
 neighbor fd00:10:0:2::2 advertisement-interval 0
 address-family ipv4 unicast
  redistribute connected
  neighbor 10.10.1.1 activate
  neighbor 10.10.2.2 activate
 exit-address-family
 address-family ipv6 unicast
  redistribute connected
  neighbor fd00:10:0:1::1 activate
  neighbor fd00:10:0:2::2 activate
 exit-address-family
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r3/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r3/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r3
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r3/var_run_frr && chown frr: "$LAB_DIR"/nodes/r3/var_run_frr  # /var/run/frr of node r3
mkdir -p "$LAB_DIR"/nodes/r3/var_log_frr && chown frr: "$LAB_DIR"/nodes/r3/var_log_frr  # /var/log/frr of node r3
mkdir -p "$LAB_DIR"/nodes/r4/etc_frr && chown frr: "$LAB_DIR"/nodes/r4/etc_frr  # /etc/frr of node r4
cat > "$LAB_DIR"/nodes/r4/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r4
!
router bgp 65004
 bgp router-id 10.10.2.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp bestpath as-path multipath-relax
 timers bgp 1 3
 neighbor 10.10.2.1 remote-as 64514
 neighbor 10.10.2.1 timers connect 1
 neighbor 10.10.2.1 advertisement-interval 0
 neighbor fd00:10:0:2::1 remote-as 64514
 neighbor fd00:10:0:2::1 timers connect 1
 neighbor fd00:10:0:2::1 advertisement-interval 0
 neighbor 10.10.3.2 remote-as 64512
 neighbor 10.10.3.2 timers connect 1
 neighbor 10.10.3.2 advertisement-interval 0
 neighbor fd00:10:0:3::2 remote-as 64512
 neighbor fd00:10:0:3::2 timers connect 1
 neighbor fd00:10:0:3::2 advertisement-interval 0
 address-family ipv4 unicast
  redistribute connected
  neighbor 10.10.2.1 activate
  neighbor 10.10.3.2 activate
 exit-address-family
 address-family ipv6 unicast
  redistribute connected
  neighbor fd00:10:0:2::1 activate
  neighbor fd00:10:0:3::2 activate
 exit-address-family
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r4/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r4/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r4
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r4/var_run_frr && chown frr: "$LAB_DIR"/nodes/r4/var_run_frr  # /var/run/frr of node r4
mkdir -p "$LAB_DIR"/nodes/r4/var_log_frr && chown frr: "$LAB_DIR"/nodes/r4/var_log_frr  # /var/log/frr of node r4
ip netns exec nslab-bgpas.r1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r1/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r1/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r1/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-bgpas.r1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r1/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r1/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r1/var_log_frr' /var/log/frr -- /usr/lib/frr/bgpd -f /etc/frr/frr.conf -i /var/run/frr/bgpd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-bgpas.r2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r2/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r2/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r2/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-bgpas.r2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r2/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r2/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r2/var_log_frr' /var/log/frr -- /usr/lib/frr/bgpd -f /etc/frr/frr.conf -i /var/run/frr/bgpd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-bgpas.r3 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r3/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r3/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r3/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-bgpas.r3 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r3/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r3/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r3/var_log_frr' /var/log/frr -- /usr/lib/frr/bgpd -f /etc/frr/frr.conf -i /var/run/frr/bgpd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-bgpas.r4 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r4/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r4/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r4/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-bgpas.r4 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r4/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r4/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r4/var_log_frr' /var/log/frr -- /usr/lib/frr/bgpd -f /etc/frr/frr.conf -i /var/run/frr/bgpd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &

`

exports[`test/unit/plan.test.ts > TAP > plan for campus-vlans.yaml > commands 1`] = `
# plan for lab 'campus': 7 namespaces, 120 operations

# stage namespaces (7)
ip netns add nslab-campus.r1
ip netns add nslab-campus.dist
ip netns add nslab-campus.access
ip netns add nslab-campus.h1
ip netns add nslab-campus.h2
ip netns add nslab-campus.h3
ip netns add nslab-campus.h4

# stage links (7)
ip link add name eth0 address 02:aa:aa:00:01:00 index 4096 netns nslab-campus.r1 type veth peer name eth0 address 02:aa:aa:00:02:00 index 8192 netns nslab-campus.dist
ip link add name po1a address 02:aa:aa:00:02:01 index 8193 netns nslab-campus.dist type veth peer name po1a address 02:aa:aa:00:03:00 index 12288 netns nslab-campus.access
ip link add name po1b address 02:aa:aa:00:02:02 index 8194 netns nslab-campus.dist type veth peer name po1b address 02:aa:aa:00:03:01 index 12289 netns nslab-campus.access
ip link add name eth0 address 02:aa:aa:00:04:00 index 16384 netns nslab-campus.h1 type veth peer name eth0 address 02:aa:aa:00:03:02 index 12290 netns nslab-campus.access
ip link add name eth0 address 02:aa:aa:00:05:00 index 20480 netns nslab-campus.h2 type veth peer name eth1 address 02:aa:aa:00:03:03 index 12291 netns nslab-campus.access
ip link add name eth0 address 02:aa:aa:00:06:00 index 24576 netns nslab-campus.h3 type veth peer name eth2 address 02:aa:aa:00:03:04 index 12292 netns nslab-campus.access
ip link add name eth0 address 02:aa:aa:00:07:00 index 28672 netns nslab-campus.h4 type veth peer name eth1 address 02:aa:aa:00:02:03 index 8195 netns nslab-campus.dist

# stage configure (104)
ip netns exec nslab-campus.r1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-campus.r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-campus.dist sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-campus.dist sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-campus.dist sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip netns exec nslab-campus.access sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-campus.access sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-campus.access sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip -n nslab-campus.r1 link set dev lo up
ip -n nslab-campus.r1 link add link eth0 name eth0.10 type vlan id 10
ip -n nslab-campus.r1 link add link eth0 name eth0.20 type vlan id 20
ip -n nslab-campus.r1 link set dev eth0 up
ip -n nslab-campus.r1 link set dev eth0.10 addrgenmode none
ip -n nslab-campus.r1 addr add fe80::1/64 dev eth0.10 nodad
ip -n nslab-campus.r1 link set dev eth0.10 up
ip -n nslab-campus.r1 addr add 10.10.0.1/24 dev eth0.10
ip -n nslab-campus.r1 addr add fd00:10::1/64 dev eth0.10 nodad
ip -n nslab-campus.r1 link set dev eth0.20 addrgenmode none
ip -n nslab-campus.r1 addr add fe80::1/64 dev eth0.20 nodad
ip -n nslab-campus.r1 link set dev eth0.20 up
ip -n nslab-campus.r1 addr add 10.10.1.1/24 dev eth0.20
ip -n nslab-campus.r1 addr add fd00:10:0:1::1/64 dev eth0.20 nodad
ip -n nslab-campus.dist link set dev lo up
ip -n nslab-campus.dist link add name br0 type bridge stp_state 0 vlan_filtering 1 vlan_default_pvid 0
ip -n nslab-campus.dist link set dev br0 addrgenmode none
ip -n nslab-campus.dist link add name bond0 type bond mode 802.3ad lacp_rate fast xmit_hash_policy layer3+4 miimon 100
ip -n nslab-campus.dist link set dev po1a down
ip -n nslab-campus.dist link set dev po1a master bond0
ip -n nslab-campus.dist link set dev po1b down
ip -n nslab-campus.dist link set dev po1b master bond0
ip -n nslab-campus.dist link set dev eth0 addrgenmode none
ip -n nslab-campus.dist link set dev eth0 master br0 up
ip -n nslab-campus.dist link set dev po1a addrgenmode none
ip -n nslab-campus.dist link set dev po1a up
ip -n nslab-campus.dist link set dev po1b addrgenmode none
ip -n nslab-campus.dist link set dev po1b up
ip -n nslab-campus.dist link set dev eth1 addrgenmode none
ip -n nslab-campus.dist link set dev eth1 master br0 up
ip -n nslab-campus.dist link set dev bond0 addrgenmode none
ip -n nslab-campus.dist link set dev bond0 master br0 up
ip -n nslab-campus.dist link set dev br0 up
bridge -n nslab-campus.dist vlan add dev eth0 vid 10
bridge -n nslab-campus.dist vlan add dev eth0 vid 20
bridge -n nslab-campus.dist vlan add dev eth1 vid 20 pvid untagged
bridge -n nslab-campus.dist vlan add dev bond0 vid 10
bridge -n nslab-campus.dist vlan add dev bond0 vid 20
ip -n nslab-campus.access link set dev lo up
ip -n nslab-campus.access link add name br0 type bridge stp_state 0 vlan_filtering 1 vlan_default_pvid 0
ip -n nslab-campus.access link set dev br0 addrgenmode none
ip -n nslab-campus.access link add name bond0 type bond mode 802.3ad lacp_rate fast xmit_hash_policy layer3+4 miimon 100
ip -n nslab-campus.access link set dev po1a down
ip -n nslab-campus.access link set dev po1a master bond0
ip -n nslab-campus.access link set dev po1b down
ip -n nslab-campus.access link set dev po1b master bond0
ip -n nslab-campus.access link set dev po1a addrgenmode none
ip -n nslab-campus.access link set dev po1a up
ip -n nslab-campus.access link set dev po1b addrgenmode none
ip -n nslab-campus.access link set dev po1b up
ip -n nslab-campus.access link set dev eth0 addrgenmode none
ip -n nslab-campus.access link set dev eth0 master br0 up
ip -n nslab-campus.access link set dev eth1 addrgenmode none
ip -n nslab-campus.access link set dev eth1 master br0 up
ip -n nslab-campus.access link set dev eth2 addrgenmode none
ip -n nslab-campus.access link set dev eth2 master br0 up
ip -n nslab-campus.access link set dev bond0 addrgenmode none
ip -n nslab-campus.access link set dev bond0 master br0 up
ip -n nslab-campus.access link set dev br0 up
bridge -n nslab-campus.access vlan add dev eth0 vid 10 pvid untagged
bridge -n nslab-campus.access vlan add dev eth1 vid 20 pvid untagged
bridge -n nslab-campus.access vlan add dev eth2 vid 10 pvid untagged
bridge -n nslab-campus.access vlan add dev bond0 vid 10
bridge -n nslab-campus.access vlan add dev bond0 vid 20
ip -n nslab-campus.h1 link set dev lo up
ip -n nslab-campus.h1 link set dev eth0 addrgenmode none
ip -n nslab-campus.h1 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-campus.h1 link set dev eth0 up
ip -n nslab-campus.h1 addr add 10.10.0.2/24 dev eth0
ip -n nslab-campus.h1 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-campus.h1 route add 0.0.0.0/0 via 10.10.0.1
ip -n nslab-campus.h1 route add ::/0 via fd00:10::1
ip -n nslab-campus.h2 link set dev lo up
ip -n nslab-campus.h2 link set dev eth0 addrgenmode none
ip -n nslab-campus.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-campus.h2 link set dev eth0 up
ip -n nslab-campus.h2 addr add 10.10.1.2/24 dev eth0
ip -n nslab-campus.h2 addr add fd00:10:0:1::2/64 dev eth0 nodad
ip -n nslab-campus.h2 route add 0.0.0.0/0 via 10.10.1.1
ip -n nslab-campus.h2 route add ::/0 via fd00:10:0:1::1
ip -n nslab-campus.h3 link set dev lo up
ip -n nslab-campus.h3 link set dev eth0 addrgenmode none
ip -n nslab-campus.h3 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-campus.h3 link set dev eth0 up
ip -n nslab-campus.h3 addr add 10.10.0.3/24 dev eth0
ip -n nslab-campus.h3 addr add fd00:10::3/64 dev eth0 nodad
ip -n nslab-campus.h3 route add 0.0.0.0/0 via 10.10.0.1
ip -n nslab-campus.h3 route add ::/0 via fd00:10::1
ip -n nslab-campus.h4 link set dev lo up
ip -n nslab-campus.h4 link set dev eth0 addrgenmode none
ip -n nslab-campus.h4 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-campus.h4 link set dev eth0 up
ip -n nslab-campus.h4 addr add 10.10.1.3/24 dev eth0
ip -n nslab-campus.h4 addr add fd00:10:0:1::3/64 dev eth0 nodad
ip -n nslab-campus.h4 route add 0.0.0.0/0 via 10.10.1.1
ip -n nslab-campus.h4 route add ::/0 via fd00:10:0:1::1

# stage services (2)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab campus
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'campus', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	r1
10.10.1.1	r1
10.10.0.2	h1 h1-eth0
10.10.1.2	h2 h2-eth0
10.10.0.3	h3 h3-eth0
10.10.1.3	h4 h4-eth0
fd00:10::1	r1
fd00:10:0:1::1	r1
fd00:10::2	h1 h1-eth0
fd00:10:0:1::2	h2 h2-eth0
fd00:10::3	h3 h3-eth0
fd00:10:0:1::3	h4 h4-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab campus
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'campus', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF

`

exports[`test/unit/plan.test.ts > TAP > plan for dumbbell.yaml > commands 1`] = `
# plan for lab 'dumbbell': 8 namespaces, 111 operations

# stage namespaces (8)
ip netns add nslab-dumbbell.s1
ip netns add nslab-dumbbell.s2
ip netns add nslab-dumbbell.r1
ip netns add nslab-dumbbell.r2
ip netns add nslab-dumbbell.h1
ip netns add nslab-dumbbell.h2
ip netns add nslab-dumbbell.h3
ip netns add nslab-dumbbell.h4

# stage links (7)
ip link add name eth0 address 02:53:fe:00:05:00 index 20480 netns nslab-dumbbell.h1 type veth peer name eth0 address 02:53:fe:00:01:00 index 4096 netns nslab-dumbbell.s1
ip link add name eth0 address 02:53:fe:00:06:00 index 24576 netns nslab-dumbbell.h2 type veth peer name eth1 address 02:53:fe:00:01:01 index 4097 netns nslab-dumbbell.s1
ip link add name eth2 address 02:53:fe:00:01:02 index 4098 netns nslab-dumbbell.s1 type veth peer name eth0 address 02:53:fe:00:03:00 index 12288 netns nslab-dumbbell.r1
ip link add name eth1 address 02:53:fe:00:03:01 index 12289 netns nslab-dumbbell.r1 type veth peer name eth0 address 02:53:fe:00:04:00 index 16384 netns nslab-dumbbell.r2
ip link add name eth1 address 02:53:fe:00:04:01 index 16385 netns nslab-dumbbell.r2 type veth peer name eth0 address 02:53:fe:00:02:00 index 8192 netns nslab-dumbbell.s2
ip link add name eth0 address 02:53:fe:00:07:00 index 28672 netns nslab-dumbbell.h3 type veth peer name eth1 address 02:53:fe:00:02:01 index 8193 netns nslab-dumbbell.s2
ip link add name eth0 address 02:53:fe:00:08:00 index 32768 netns nslab-dumbbell.h4 type veth peer name eth2 address 02:53:fe:00:02:02 index 8194 netns nslab-dumbbell.s2

# stage configure (88)
ip netns exec nslab-dumbbell.s1 sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-dumbbell.s1 sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-dumbbell.s1 sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip netns exec nslab-dumbbell.s2 sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-dumbbell.s2 sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-dumbbell.s2 sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip netns exec nslab-dumbbell.r1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-dumbbell.r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-dumbbell.r2 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-dumbbell.r2 sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n nslab-dumbbell.s1 link set dev lo up
ip -n nslab-dumbbell.s1 link add name br0 type bridge stp_state 0
ip -n nslab-dumbbell.s1 link set dev br0 addrgenmode none
ip -n nslab-dumbbell.s1 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.s1 link set dev eth0 master br0 up
ip -n nslab-dumbbell.s1 link set dev eth1 addrgenmode none
ip -n nslab-dumbbell.s1 link set dev eth1 master br0 up
ip -n nslab-dumbbell.s1 link set dev eth2 addrgenmode none
ip -n nslab-dumbbell.s1 link set dev eth2 master br0 up
ip -n nslab-dumbbell.s1 link set dev br0 up
ip -n nslab-dumbbell.s2 link set dev lo up
ip -n nslab-dumbbell.s2 link add name br0 type bridge stp_state 0
ip -n nslab-dumbbell.s2 link set dev br0 addrgenmode none
ip -n nslab-dumbbell.s2 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.s2 link set dev eth0 master br0 up
ip -n nslab-dumbbell.s2 link set dev eth1 addrgenmode none
ip -n nslab-dumbbell.s2 link set dev eth1 master br0 up
ip -n nslab-dumbbell.s2 link set dev eth2 addrgenmode none
ip -n nslab-dumbbell.s2 link set dev eth2 master br0 up
ip -n nslab-dumbbell.s2 link set dev br0 up
ip -n nslab-dumbbell.r1 link set dev lo up
ip -n nslab-dumbbell.r1 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.r1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-dumbbell.r1 link set dev eth0 up
ip -n nslab-dumbbell.r1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-dumbbell.r1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-dumbbell.r1 link set dev eth1 addrgenmode none
ip -n nslab-dumbbell.r1 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-dumbbell.r1 link set dev eth1 up
ip -n nslab-dumbbell.r1 addr add 10.10.1.1/24 dev eth1
ip -n nslab-dumbbell.r1 addr add fd00:10:0:1::1/64 dev eth1 nodad
ip -n nslab-dumbbell.r1 route add 10.10.2.0/24 via 10.10.1.2
ip -n nslab-dumbbell.r1 route add fd00:10:0:2::/64 via fd00:10:0:1::2
ip -n nslab-dumbbell.r2 link set dev lo up
ip -n nslab-dumbbell.r2 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.r2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-dumbbell.r2 link set dev eth0 up
ip -n nslab-dumbbell.r2 addr add 10.10.1.2/24 dev eth0
ip -n nslab-dumbbell.r2 addr add fd00:10:0:1::2/64 dev eth0 nodad
ip -n nslab-dumbbell.r2 link set dev eth1 addrgenmode none
ip -n nslab-dumbbell.r2 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-dumbbell.r2 link set dev eth1 up
ip -n nslab-dumbbell.r2 addr add 10.10.2.1/24 dev eth1
ip -n nslab-dumbbell.r2 addr add fd00:10:0:2::1/64 dev eth1 nodad
ip -n nslab-dumbbell.r2 route add 10.10.0.0/24 via 10.10.1.1
ip -n nslab-dumbbell.r2 route add fd00:10::/64 via fd00:10:0:1::1
ip -n nslab-dumbbell.h1 link set dev lo up
ip -n nslab-dumbbell.h1 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.h1 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-dumbbell.h1 link set dev eth0 up
ip -n nslab-dumbbell.h1 addr add 10.10.0.2/24 dev eth0
ip -n nslab-dumbbell.h1 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-dumbbell.h1 route add 0.0.0.0/0 via 10.10.0.1
ip -n nslab-dumbbell.h1 route add ::/0 via fd00:10::1
ip -n nslab-dumbbell.h2 link set dev lo up
ip -n nslab-dumbbell.h2 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.h2 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-dumbbell.h2 link set dev eth0 up
ip -n nslab-dumbbell.h2 addr add 10.10.0.3/24 dev eth0
ip -n nslab-dumbbell.h2 addr add fd00:10::3/64 dev eth0 nodad
ip -n nslab-dumbbell.h2 route add 0.0.0.0/0 via 10.10.0.1
ip -n nslab-dumbbell.h2 route add ::/0 via fd00:10::1
ip -n nslab-dumbbell.h3 link set dev lo up
ip -n nslab-dumbbell.h3 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.h3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-dumbbell.h3 link set dev eth0 up
ip -n nslab-dumbbell.h3 addr add 10.10.2.2/24 dev eth0
ip -n nslab-dumbbell.h3 addr add fd00:10:0:2::2/64 dev eth0 nodad
ip -n nslab-dumbbell.h3 route add 0.0.0.0/0 via 10.10.2.1
ip -n nslab-dumbbell.h3 route add ::/0 via fd00:10:0:2::1
ip -n nslab-dumbbell.h4 link set dev lo up
ip -n nslab-dumbbell.h4 link set dev eth0 addrgenmode none
ip -n nslab-dumbbell.h4 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-dumbbell.h4 link set dev eth0 up
ip -n nslab-dumbbell.h4 addr add 10.10.2.3/24 dev eth0
ip -n nslab-dumbbell.h4 addr add fd00:10:0:2::3/64 dev eth0 nodad
ip -n nslab-dumbbell.h4 route add 0.0.0.0/0 via 10.10.2.1
ip -n nslab-dumbbell.h4 route add ::/0 via fd00:10:0:2::1

# stage shaping (6)
ip -n nslab-dumbbell.r1 link set dev eth1 gso_max_segs 1
tc -n nslab-dumbbell.r1 qdisc replace dev eth1 root handle 1: htb default 1
tc -n nslab-dumbbell.r1 class replace dev eth1 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028
ip -n nslab-dumbbell.r2 link set dev eth0 gso_max_segs 1
tc -n nslab-dumbbell.r2 qdisc replace dev eth0 root handle 1: htb default 1
tc -n nslab-dumbbell.r2 class replace dev eth0 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028

# stage services (2)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab dumbbell
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'dumbbell', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	r1 r1-eth0
10.10.1.1	r1 r1-eth1
10.10.1.2	r2 r2-eth0
10.10.2.1	r2 r2-eth1
10.10.0.2	h1 h1-eth0
10.10.0.3	h2 h2-eth0
10.10.2.2	h3 h3-eth0
10.10.2.3	h4 h4-eth0
fd00:10::1	r1 r1-eth0
fd00:10:0:1::1	r1 r1-eth1
fd00:10:0:1::2	r2 r2-eth0
fd00:10:0:2::1	r2 r2-eth1
fd00:10::2	h1 h1-eth0
fd00:10::3	h2 h2-eth0
fd00:10:0:2::2	h3 h3-eth0
fd00:10:0:2::3	h4 h4-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab dumbbell
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'dumbbell', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF

`

exports[`test/unit/plan.test.ts > TAP > plan for isis.yaml > commands 1`] = `
# plan for lab 'isislab': 7 namespaces, 132 operations

# stage namespaces (7)
ip netns add nslab-isislab.r1
ip netns add nslab-isislab.r2
ip netns add nslab-isislab.r3
ip netns add nslab-isislab.r4
ip netns add nslab-isislab.r5
ip netns add nslab-isislab.h1
ip netns add nslab-isislab.h2

# stage links (7)
ip link add name eth0 address 02:29:48:00:01:00 index 4096 netns nslab-isislab.r1 type veth peer name eth0 address 02:29:48:00:02:00 index 8192 netns nslab-isislab.r2
ip link add name eth1 address 02:29:48:00:02:01 index 8193 netns nslab-isislab.r2 type veth peer name eth0 address 02:29:48:00:03:00 index 12288 netns nslab-isislab.r3
ip link add name eth1 address 02:29:48:00:03:01 index 12289 netns nslab-isislab.r3 type veth peer name eth0 address 02:29:48:00:04:00 index 16384 netns nslab-isislab.r4
ip link add name eth1 address 02:29:48:00:04:01 index 16385 netns nslab-isislab.r4 type veth peer name eth0 address 02:29:48:00:05:00 index 20480 netns nslab-isislab.r5
ip link add name eth1 address 02:29:48:00:05:01 index 20481 netns nslab-isislab.r5 type veth peer name eth1 address 02:29:48:00:01:01 index 4097 netns nslab-isislab.r1
ip link add name eth0 address 02:29:48:00:06:00 index 24576 netns nslab-isislab.h1 type veth peer name eth2 address 02:29:48:00:01:02 index 4098 netns nslab-isislab.r1
ip link add name eth0 address 02:29:48:00:07:00 index 28672 netns nslab-isislab.h2 type veth peer name eth2 address 02:29:48:00:03:02 index 12290 netns nslab-isislab.r3

# stage configure (91)
ip netns exec nslab-isislab.r1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-isislab.r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-isislab.r2 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-isislab.r2 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-isislab.r3 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-isislab.r3 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-isislab.r4 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-isislab.r4 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-isislab.r5 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-isislab.r5 sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n nslab-isislab.r1 link set dev lo up
ip -n nslab-isislab.r1 link set dev eth0 addrgenmode none
ip -n nslab-isislab.r1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-isislab.r1 link set dev eth0 up
ip -n nslab-isislab.r1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-isislab.r1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-isislab.r1 link set dev eth1 addrgenmode none
ip -n nslab-isislab.r1 addr add fe80::2/64 dev eth1 nodad
ip -n nslab-isislab.r1 link set dev eth1 up
ip -n nslab-isislab.r1 addr add 10.10.4.2/24 dev eth1
ip -n nslab-isislab.r1 addr add fd00:10:0:4::2/64 dev eth1 nodad
ip -n nslab-isislab.r1 link set dev eth2 addrgenmode none
ip -n nslab-isislab.r1 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-isislab.r1 link set dev eth2 up
ip -n nslab-isislab.r1 addr add 10.10.5.1/24 dev eth2
ip -n nslab-isislab.r1 addr add fd00:10:0:5::1/64 dev eth2 nodad
ip -n nslab-isislab.r2 link set dev lo up
ip -n nslab-isislab.r2 link set dev eth0 addrgenmode none
ip -n nslab-isislab.r2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-isislab.r2 link set dev eth0 up
ip -n nslab-isislab.r2 addr add 10.10.0.2/24 dev eth0
ip -n nslab-isislab.r2 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-isislab.r2 link set dev eth1 addrgenmode none
ip -n nslab-isislab.r2 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-isislab.r2 link set dev eth1 up
ip -n nslab-isislab.r2 addr add 10.10.1.1/24 dev eth1
ip -n nslab-isislab.r2 addr add fd00:10:0:1::1/64 dev eth1 nodad
ip -n nslab-isislab.r3 link set dev lo up
ip -n nslab-isislab.r3 link set dev eth0 addrgenmode none
ip -n nslab-isislab.r3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-isislab.r3 link set dev eth0 up
ip -n nslab-isislab.r3 addr add 10.10.1.2/24 dev eth0
ip -n nslab-isislab.r3 addr add fd00:10:0:1::2/64 dev eth0 nodad
ip -n nslab-isislab.r3 link set dev eth1 addrgenmode none
ip -n nslab-isislab.r3 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-isislab.r3 link set dev eth1 up
ip -n nslab-isislab.r3 addr add 10.10.2.1/24 dev eth1
ip -n nslab-isislab.r3 addr add fd00:10:0:2::1/64 dev eth1 nodad
ip -n nslab-isislab.r3 link set dev eth2 addrgenmode none
ip -n nslab-isislab.r3 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-isislab.r3 link set dev eth2 up
ip -n nslab-isislab.r3 addr add 10.10.6.1/24 dev eth2
ip -n nslab-isislab.r3 addr add fd00:10:0:6::1/64 dev eth2 nodad
ip -n nslab-isislab.r4 link set dev lo up
ip -n nslab-isislab.r4 link set dev eth0 addrgenmode none
ip -n nslab-isislab.r4 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-isislab.r4 link set dev eth0 up
ip -n nslab-isislab.r4 addr add 10.10.2.2/24 dev eth0
ip -n nslab-isislab.r4 addr add fd00:10:0:2::2/64 dev eth0 nodad
ip -n nslab-isislab.r4 link set dev eth1 addrgenmode none
ip -n nslab-isislab.r4 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-isislab.r4 link set dev eth1 up
ip -n nslab-isislab.r4 addr add 10.10.3.1/24 dev eth1
ip -n nslab-isislab.r4 addr add fd00:10:0:3::1/64 dev eth1 nodad
ip -n nslab-isislab.r5 link set dev lo up
ip -n nslab-isislab.r5 link set dev eth0 addrgenmode none
ip -n nslab-isislab.r5 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-isislab.r5 link set dev eth0 up
ip -n nslab-isislab.r5 addr add 10.10.3.2/24 dev eth0
ip -n nslab-isislab.r5 addr add fd00:10:0:3::2/64 dev eth0 nodad
ip -n nslab-isislab.r5 link set dev eth1 addrgenmode none
ip -n nslab-isislab.r5 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-isislab.r5 link set dev eth1 up
ip -n nslab-isislab.r5 addr add 10.10.4.1/24 dev eth1
ip -n nslab-isislab.r5 addr add fd00:10:0:4::1/64 dev eth1 nodad
ip -n nslab-isislab.h1 link set dev lo up
ip -n nslab-isislab.h1 link set dev eth0 addrgenmode none
ip -n nslab-isislab.h1 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-isislab.h1 link set dev eth0 up
ip -n nslab-isislab.h1 addr add 10.10.5.2/24 dev eth0
ip -n nslab-isislab.h1 addr add fd00:10:0:5::2/64 dev eth0 nodad
ip -n nslab-isislab.h1 route add 0.0.0.0/0 via 10.10.5.1
ip -n nslab-isislab.h1 route add ::/0 via fd00:10:0:5::1
ip -n nslab-isislab.h2 link set dev lo up
ip -n nslab-isislab.h2 link set dev eth0 addrgenmode none
ip -n nslab-isislab.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-isislab.h2 link set dev eth0 up
ip -n nslab-isislab.h2 addr add 10.10.6.2/24 dev eth0
ip -n nslab-isislab.h2 addr add fd00:10:0:6::2/64 dev eth0 nodad
ip -n nslab-isislab.h2 route add 0.0.0.0/0 via 10.10.6.1
ip -n nslab-isislab.h2 route add ::/0 via fd00:10:0:6::1

# stage services (27)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab isislab
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'isislab', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	r1 r1-eth0
10.10.4.2	r1 r1-eth1
10.10.5.1	r1 r1-eth2
10.10.0.2	r2 r2-eth0
10.10.1.1	r2 r2-eth1
10.10.1.2	r3 r3-eth0
10.10.2.1	r3 r3-eth1
10.10.6.1	r3 r3-eth2
10.10.2.2	r4 r4-eth0
10.10.3.1	r4 r4-eth1
10.10.3.2	r5 r5-eth0
10.10.4.1	r5 r5-eth1
10.10.5.2	h1 h1-eth0
10.10.6.2	h2 h2-eth0
fd00:10::1	r1 r1-eth0
fd00:10:0:4::2	r1 r1-eth1
fd00:10:0:5::1	r1 r1-eth2
fd00:10::2	r2 r2-eth0
fd00:10:0:1::1	r2 r2-eth1
fd00:10:0:1::2	r3 r3-eth0
fd00:10:0:2::1	r3 r3-eth1
fd00:10:0:6::1	r3 r3-eth2
fd00:10:0:2::2	r4 r4-eth0
fd00:10:0:3::1	r4 r4-eth1
fd00:10:0:3::2	r5 r5-eth0
fd00:10:0:4::1	r5 r5-eth1
fd00:10:0:5::2	h1 h1-eth0
fd00:10:0:6::2	h2 h2-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab isislab
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'isislab', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r1/etc_frr && chown frr: "$LAB_DIR"/nodes/r1/etc_frr  # /etc/frr of node r1
cat > "$LAB_DIR"/nodes/r1/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r1
!
interface eth0
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 30
exit
!
interface eth1
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
interface eth2
 ip router isis nslab
 ipv6 router isis nslab
 isis passive
 isis metric 10
exit
!
router isis nslab
 is-type level-2-only
 net 49.0001.0000.0000.0001.00
 metric-style wide
 lsp-gen-interval 1
 spf-delay-ietf init-delay 0 short-delay 50 long-delay 500 holddown 1000 time-to-learn 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r1/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r1/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r1
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r1/var_run_frr && chown frr: "$LAB_DIR"/nodes/r1/var_run_frr  # /var/run/frr of node r1
mkdir -p "$LAB_DIR"/nodes/r1/var_log_frr && chown frr: "$LAB_DIR"/nodes/r1/var_log_frr  # /var/log/frr of node r1
mkdir -p "$LAB_DIR"/nodes/r2/etc_frr && chown frr: "$LAB_DIR"/nodes/r2/etc_frr  # /etc/frr of node r2
cat > "$LAB_DIR"/nodes/r2/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r2
!
interface eth0
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 30
exit
!
interface eth1
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
router isis nslab
 is-type level-2-only
 net 49.0001.0000.0000.0002.00
 metric-style wide
 lsp-gen-interval 1
 spf-delay-ietf init-delay 0 short-delay 50 long-delay 500 holddown 1000 time-to-learn 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r2/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r2/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r2
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r2/var_run_frr && chown frr: "$LAB_DIR"/nodes/r2/var_run_frr  # /var/run/frr of node r2
mkdir -p "$LAB_DIR"/nodes/r2/var_log_frr && chown frr: "$LAB_DIR"/nodes/r2/var_log_frr  # /var/log/frr of node r2
mkdir -p "$LAB_DIR"/nodes/r3/etc_frr && chown frr: "$LAB_DIR"/nodes/r3/etc_frr  # /etc/frr of node r3
cat > "$LAB_DIR"/nodes/r3/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r3
!
interface eth0
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
interface eth1
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
interface eth2
 ip router isis nslab
 ipv6 router isis nslab
 isis passive
 isis metric 10
exit
!
router isis nslab
 is-type level-2-only
 net 49.0002.0000.0000.0003.00
 metric-style wide
 lsp-gen-interval 1
 spf-delay-ietf init-delay 0 short-delay 50 long-delay 500 holddown 1000 time-to-learn 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r3/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r3/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r3
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r3/var_run_frr && chown frr: "$LAB_DIR"/nodes/r3/var_run_frr  # /var/run/frr of node r3
mkdir -p "$LAB_DIR"/nodes/r3/var_log_frr && chown frr: "$LAB_DIR"/nodes/r3/var_log_frr  # /var/log/frr of node r3
mkdir -p "$LAB_DIR"/nodes/r4/etc_frr && chown frr: "$LAB_DIR"/nodes/r4/etc_frr  # /etc/frr of node r4
cat > "$LAB_DIR"/nodes/r4/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r4
!
interface eth0
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
interface eth1
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
router isis nslab
 is-type level-2-only
 net 49.0002.0000.0000.0004.00
 metric-style wide
 lsp-gen-interval 1
 spf-delay-ietf init-delay 0 short-delay 50 long-delay 500 holddown 1000 time-to-learn 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r4/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r4/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r4
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r4/var_run_frr && chown frr: "$LAB_DIR"/nodes/r4/var_run_frr  # /var/run/frr of node r4
mkdir -p "$LAB_DIR"/nodes/r4/var_log_frr && chown frr: "$LAB_DIR"/nodes/r4/var_log_frr  # /var/log/frr of node r4
mkdir -p "$LAB_DIR"/nodes/r5/etc_frr && chown frr: "$LAB_DIR"/nodes/r5/etc_frr  # /etc/frr of node r5
cat > "$LAB_DIR"/nodes/r5/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r5
!
interface eth0
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
interface eth1
 ip router isis nslab
 ipv6 router isis nslab
 isis network point-to-point
 isis hello-interval 1
 isis hello-multiplier 3
 isis metric 10
exit
!
router isis nslab
 is-type level-2-only
 net 49.0002.0000.0000.0005.00
 metric-style wide
 lsp-gen-interval 1
 spf-delay-ietf init-delay 0 short-delay 50 long-delay 500 holddown 1000 time-to-learn 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r5/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r5/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r5
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r5/var_run_frr && chown frr: "$LAB_DIR"/nodes/r5/var_run_frr  # /var/run/frr of node r5
mkdir -p "$LAB_DIR"/nodes/r5/var_log_frr && chown frr: "$LAB_DIR"/nodes/r5/var_log_frr  # /var/log/frr of node r5
ip netns exec nslab-isislab.r1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r1/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r1/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r1/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-isislab.r1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r1/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r1/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r1/var_log_frr' /var/log/frr -- /usr/lib/frr/isisd -f /etc/frr/frr.conf -i /var/run/frr/isisd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-isislab.r2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r2/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r2/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r2/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-isislab.r2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r2/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r2/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r2/var_log_frr' /var/log/frr -- /usr/lib/frr/isisd -f /etc/frr/frr.conf -i /var/run/frr/isisd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-isislab.r3 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r3/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r3/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r3/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-isislab.r3 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r3/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r3/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r3/var_log_frr' /var/log/frr -- /usr/lib/frr/isisd -f /etc/frr/frr.conf -i /var/run/frr/isisd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-isislab.r4 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r4/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r4/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r4/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-isislab.r4 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r4/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r4/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r4/var_log_frr' /var/log/frr -- /usr/lib/frr/isisd -f /etc/frr/frr.conf -i /var/run/frr/isisd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-isislab.r5 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r5/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r5/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r5/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-isislab.r5 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r5/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r5/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r5/var_log_frr' /var/log/frr -- /usr/lib/frr/isisd -f /etc/frr/frr.conf -i /var/run/frr/isisd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &

`

exports[`test/unit/plan.test.ts > TAP > plan for lan-router-lan.yaml > commands 1`] = `
# plan for lab 'lrl': 7 namespaces, 86 operations

# stage namespaces (7)
ip netns add nslab-lrl.r1
ip netns add nslab-lrl.s1
ip netns add nslab-lrl.s2
ip netns add nslab-lrl.h1
ip netns add nslab-lrl.h2
ip netns add nslab-lrl.h3
ip netns add nslab-lrl.h4

# stage links (6)
ip link add name eth0 address 02:0d:b0:00:04:00 index 16384 netns nslab-lrl.h1 type veth peer name eth0 address 02:0d:b0:00:02:00 index 8192 netns nslab-lrl.s1
ip link add name eth0 address 02:0d:b0:00:05:00 index 20480 netns nslab-lrl.h2 type veth peer name eth1 address 02:0d:b0:00:02:01 index 8193 netns nslab-lrl.s1
ip link add name eth2 address 02:0d:b0:00:02:02 index 8194 netns nslab-lrl.s1 type veth peer name eth0 address 02:0d:b0:00:01:00 index 4096 netns nslab-lrl.r1
ip link add name eth1 address 02:0d:b0:00:01:01 index 4097 netns nslab-lrl.r1 type veth peer name eth0 address 02:0d:b0:00:03:00 index 12288 netns nslab-lrl.s2
ip link add name eth0 address 02:0d:b0:00:06:00 index 24576 netns nslab-lrl.h3 type veth peer name eth1 address 02:0d:b0:00:03:01 index 12289 netns nslab-lrl.s2
ip link add name eth0 address 02:0d:b0:00:07:00 index 28672 netns nslab-lrl.h4 type veth peer name eth2 address 02:0d:b0:00:03:02 index 12290 netns nslab-lrl.s2

# stage configure (71)
ip netns exec nslab-lrl.r1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-lrl.r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-lrl.s1 sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-lrl.s1 sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-lrl.s1 sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip netns exec nslab-lrl.s2 sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-lrl.s2 sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-lrl.s2 sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip -n nslab-lrl.r1 link set dev lo up
ip -n nslab-lrl.r1 link set dev eth0 addrgenmode none
ip -n nslab-lrl.r1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-lrl.r1 link set dev eth0 up
ip -n nslab-lrl.r1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-lrl.r1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-lrl.r1 link set dev eth1 addrgenmode none
ip -n nslab-lrl.r1 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-lrl.r1 link set dev eth1 up
ip -n nslab-lrl.r1 addr add 10.10.1.1/24 dev eth1
ip -n nslab-lrl.r1 addr add fd00:10:0:1::1/64 dev eth1 nodad
ip -n nslab-lrl.s1 link set dev lo up
ip -n nslab-lrl.s1 link add name br0 type bridge stp_state 0
ip -n nslab-lrl.s1 link set dev br0 addrgenmode none
ip -n nslab-lrl.s1 link set dev eth0 addrgenmode none
ip -n nslab-lrl.s1 link set dev eth0 master br0 up
ip -n nslab-lrl.s1 link set dev eth1 addrgenmode none
ip -n nslab-lrl.s1 link set dev eth1 master br0 up
ip -n nslab-lrl.s1 link set dev eth2 addrgenmode none
ip -n nslab-lrl.s1 link set dev eth2 master br0 up
ip -n nslab-lrl.s1 link set dev br0 up
ip -n nslab-lrl.s2 link set dev lo up
ip -n nslab-lrl.s2 link add name br0 type bridge stp_state 0
ip -n nslab-lrl.s2 link set dev br0 addrgenmode none
ip -n nslab-lrl.s2 link set dev eth0 addrgenmode none
ip -n nslab-lrl.s2 link set dev eth0 master br0 up
ip -n nslab-lrl.s2 link set dev eth1 addrgenmode none
ip -n nslab-lrl.s2 link set dev eth1 master br0 up
ip -n nslab-lrl.s2 link set dev eth2 addrgenmode none
ip -n nslab-lrl.s2 link set dev eth2 master br0 up
ip -n nslab-lrl.s2 link set dev br0 up
ip -n nslab-lrl.h1 link set dev lo up
ip -n nslab-lrl.h1 link set dev eth0 addrgenmode none
ip -n nslab-lrl.h1 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-lrl.h1 link set dev eth0 up
ip -n nslab-lrl.h1 addr add 10.10.0.2/24 dev eth0
ip -n nslab-lrl.h1 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-lrl.h1 route add 0.0.0.0/0 via 10.10.0.1
ip -n nslab-lrl.h1 route add ::/0 via fd00:10::1
ip -n nslab-lrl.h2 link set dev lo up
ip -n nslab-lrl.h2 link set dev eth0 addrgenmode none
ip -n nslab-lrl.h2 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-lrl.h2 link set dev eth0 up
ip -n nslab-lrl.h2 addr add 10.10.0.3/24 dev eth0
ip -n nslab-lrl.h2 addr add fd00:10::3/64 dev eth0 nodad
ip -n nslab-lrl.h2 route add 0.0.0.0/0 via 10.10.0.1
ip -n nslab-lrl.h2 route add ::/0 via fd00:10::1
ip -n nslab-lrl.h3 link set dev lo up
ip -n nslab-lrl.h3 link set dev eth0 addrgenmode none
ip -n nslab-lrl.h3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-lrl.h3 link set dev eth0 up
ip -n nslab-lrl.h3 addr add 10.10.1.2/24 dev eth0
ip -n nslab-lrl.h3 addr add fd00:10:0:1::2/64 dev eth0 nodad
ip -n nslab-lrl.h3 route add 0.0.0.0/0 via 10.10.1.1
ip -n nslab-lrl.h3 route add ::/0 via fd00:10:0:1::1
ip -n nslab-lrl.h4 link set dev lo up
ip -n nslab-lrl.h4 link set dev eth0 addrgenmode none
ip -n nslab-lrl.h4 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-lrl.h4 link set dev eth0 up
ip -n nslab-lrl.h4 addr add 10.10.1.3/24 dev eth0
ip -n nslab-lrl.h4 addr add fd00:10:0:1::3/64 dev eth0 nodad
ip -n nslab-lrl.h4 route add 0.0.0.0/0 via 10.10.1.1
ip -n nslab-lrl.h4 route add ::/0 via fd00:10:0:1::1

# stage services (2)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab lrl
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'lrl', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	r1 r1-eth0
10.10.1.1	r1 r1-eth1
10.10.0.2	h1 h1-eth0
10.10.0.3	h2 h2-eth0
10.10.1.2	h3 h3-eth0
10.10.1.3	h4 h4-eth0
fd00:10::1	r1 r1-eth0
fd00:10:0:1::1	r1 r1-eth1
fd00:10::2	h1 h1-eth0
fd00:10::3	h2 h2-eth0
fd00:10:0:1::2	h3 h3-eth0
fd00:10:0:1::3	h4 h4-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab lrl
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'lrl', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF

`

exports[`test/unit/plan.test.ts > TAP > plan for ospf-ring.yaml > commands 1`] = `
# plan for lab 'ospfring': 12 namespaces, 208 operations

# stage namespaces (12)
ip netns add nslab-ospfring.r1
ip netns add nslab-ospfring.r2
ip netns add nslab-ospfring.r3
ip netns add nslab-ospfring.r4
ip netns add nslab-ospfring.r5
ip netns add nslab-ospfring.r6
ip netns add nslab-ospfring.s1
ip netns add nslab-ospfring.s2
ip netns add nslab-ospfring.h1
ip netns add nslab-ospfring.h2
ip netns add nslab-ospfring.h3
ip netns add nslab-ospfring.h4

# stage links (12)
ip link add name eth0 address 02:ff:e4:00:01:00 index 4096 netns nslab-ospfring.r1 type veth peer name eth0 address 02:ff:e4:00:02:00 index 8192 netns nslab-ospfring.r2
ip link add name eth1 address 02:ff:e4:00:02:01 index 8193 netns nslab-ospfring.r2 type veth peer name eth0 address 02:ff:e4:00:03:00 index 12288 netns nslab-ospfring.r3
ip link add name eth1 address 02:ff:e4:00:03:01 index 12289 netns nslab-ospfring.r3 type veth peer name eth0 address 02:ff:e4:00:04:00 index 16384 netns nslab-ospfring.r4
ip link add name eth1 address 02:ff:e4:00:04:01 index 16385 netns nslab-ospfring.r4 type veth peer name eth0 address 02:ff:e4:00:05:00 index 20480 netns nslab-ospfring.r5
ip link add name eth1 address 02:ff:e4:00:05:01 index 20481 netns nslab-ospfring.r5 type veth peer name eth0 address 02:ff:e4:00:06:00 index 24576 netns nslab-ospfring.r6
ip link add name eth1 address 02:ff:e4:00:06:01 index 24577 netns nslab-ospfring.r6 type veth peer name eth1 address 02:ff:e4:00:01:01 index 4097 netns nslab-ospfring.r1
ip link add name eth2 address 02:ff:e4:00:01:02 index 4098 netns nslab-ospfring.r1 type veth peer name eth0 address 02:ff:e4:00:07:00 index 28672 netns nslab-ospfring.s1
ip link add name eth0 address 02:ff:e4:00:09:00 index 36864 netns nslab-ospfring.h1 type veth peer name eth1 address 02:ff:e4:00:07:01 index 28673 netns nslab-ospfring.s1
ip link add name eth0 address 02:ff:e4:00:0a:00 index 40960 netns nslab-ospfring.h2 type veth peer name eth2 address 02:ff:e4:00:07:02 index 28674 netns nslab-ospfring.s1
ip link add name eth2 address 02:ff:e4:00:04:02 index 16386 netns nslab-ospfring.r4 type veth peer name eth0 address 02:ff:e4:00:08:00 index 32768 netns nslab-ospfring.s2
ip link add name eth0 address 02:ff:e4:00:0b:00 index 45056 netns nslab-ospfring.h3 type veth peer name eth1 address 02:ff:e4:00:08:01 index 32769 netns nslab-ospfring.s2
ip link add name eth0 address 02:ff:e4:00:0c:00 index 49152 netns nslab-ospfring.h4 type veth peer name eth2 address 02:ff:e4:00:08:02 index 32770 netns nslab-ospfring.s2

# stage configure (146)
ip netns exec nslab-ospfring.r1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-ospfring.r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-ospfring.r2 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-ospfring.r2 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-ospfring.r3 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-ospfring.r3 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-ospfring.r4 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-ospfring.r4 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-ospfring.r5 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-ospfring.r5 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-ospfring.r6 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-ospfring.r6 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-ospfring.s1 sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-ospfring.s1 sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-ospfring.s1 sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip netns exec nslab-ospfring.s2 sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-ospfring.s2 sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-ospfring.s2 sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip -n nslab-ospfring.r1 link set dev lo up
ip -n nslab-ospfring.r1 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.r1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-ospfring.r1 link set dev eth0 up
ip -n nslab-ospfring.r1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-ospfring.r1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-ospfring.r1 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.r1 addr add fe80::2/64 dev eth1 nodad
ip -n nslab-ospfring.r1 link set dev eth1 up
ip -n nslab-ospfring.r1 addr add 10.10.5.2/24 dev eth1
ip -n nslab-ospfring.r1 addr add fd00:10:0:5::2/64 dev eth1 nodad
ip -n nslab-ospfring.r1 link set dev eth2 addrgenmode none
ip -n nslab-ospfring.r1 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-ospfring.r1 link set dev eth2 up
ip -n nslab-ospfring.r1 addr add 10.10.6.1/24 dev eth2
ip -n nslab-ospfring.r1 addr add fd00:10:0:6::1/64 dev eth2 nodad
ip -n nslab-ospfring.r2 link set dev lo up
ip -n nslab-ospfring.r2 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.r2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-ospfring.r2 link set dev eth0 up
ip -n nslab-ospfring.r2 addr add 10.10.0.2/24 dev eth0
ip -n nslab-ospfring.r2 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-ospfring.r2 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.r2 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-ospfring.r2 link set dev eth1 up
ip -n nslab-ospfring.r2 addr add 10.10.1.1/24 dev eth1
ip -n nslab-ospfring.r2 addr add fd00:10:0:1::1/64 dev eth1 nodad
ip -n nslab-ospfring.r3 link set dev lo up
ip -n nslab-ospfring.r3 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.r3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-ospfring.r3 link set dev eth0 up
ip -n nslab-ospfring.r3 addr add 10.10.1.2/24 dev eth0
ip -n nslab-ospfring.r3 addr add fd00:10:0:1::2/64 dev eth0 nodad
ip -n nslab-ospfring.r3 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.r3 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-ospfring.r3 link set dev eth1 up
ip -n nslab-ospfring.r3 addr add 10.10.2.1/24 dev eth1
ip -n nslab-ospfring.r3 addr add fd00:10:0:2::1/64 dev eth1 nodad
ip -n nslab-ospfring.r4 link set dev lo up
ip -n nslab-ospfring.r4 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.r4 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-ospfring.r4 link set dev eth0 up
ip -n nslab-ospfring.r4 addr add 10.10.2.2/24 dev eth0
ip -n nslab-ospfring.r4 addr add fd00:10:0:2::2/64 dev eth0 nodad
ip -n nslab-ospfring.r4 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.r4 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-ospfring.r4 link set dev eth1 up
ip -n nslab-ospfring.r4 addr add 10.10.3.1/24 dev eth1
ip -n nslab-ospfring.r4 addr add fd00:10:0:3::1/64 dev eth1 nodad
ip -n nslab-ospfring.r4 link set dev eth2 addrgenmode none
ip -n nslab-ospfring.r4 addr add fe80::1/64 dev eth2 nodad
ip -n nslab-ospfring.r4 link set dev eth2 up
ip -n nslab-ospfring.r4 addr add 10.10.7.1/24 dev eth2
ip -n nslab-ospfring.r4 addr add fd00:10:0:7::1/64 dev eth2 nodad
ip -n nslab-ospfring.r5 link set dev lo up
ip -n nslab-ospfring.r5 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.r5 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-ospfring.r5 link set dev eth0 up
ip -n nslab-ospfring.r5 addr add 10.10.3.2/24 dev eth0
ip -n nslab-ospfring.r5 addr add fd00:10:0:3::2/64 dev eth0 nodad
ip -n nslab-ospfring.r5 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.r5 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-ospfring.r5 link set dev eth1 up
ip -n nslab-ospfring.r5 addr add 10.10.4.1/24 dev eth1
ip -n nslab-ospfring.r5 addr add fd00:10:0:4::1/64 dev eth1 nodad
ip -n nslab-ospfring.r6 link set dev lo up
ip -n nslab-ospfring.r6 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.r6 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-ospfring.r6 link set dev eth0 up
ip -n nslab-ospfring.r6 addr add 10.10.4.2/24 dev eth0
ip -n nslab-ospfring.r6 addr add fd00:10:0:4::2/64 dev eth0 nodad
ip -n nslab-ospfring.r6 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.r6 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-ospfring.r6 link set dev eth1 up
ip -n nslab-ospfring.r6 addr add 10.10.5.1/24 dev eth1
ip -n nslab-ospfring.r6 addr add fd00:10:0:5::1/64 dev eth1 nodad
ip -n nslab-ospfring.s1 link set dev lo up
ip -n nslab-ospfring.s1 link add name br0 type bridge stp_state 0
ip -n nslab-ospfring.s1 link set dev br0 addrgenmode none
ip -n nslab-ospfring.s1 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.s1 link set dev eth0 master br0 up
ip -n nslab-ospfring.s1 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.s1 link set dev eth1 master br0 up
ip -n nslab-ospfring.s1 link set dev eth2 addrgenmode none
ip -n nslab-ospfring.s1 link set dev eth2 master br0 up
ip -n nslab-ospfring.s1 link set dev br0 up
ip -n nslab-ospfring.s2 link set dev lo up
ip -n nslab-ospfring.s2 link add name br0 type bridge stp_state 0
ip -n nslab-ospfring.s2 link set dev br0 addrgenmode none
ip -n nslab-ospfring.s2 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.s2 link set dev eth0 master br0 up
ip -n nslab-ospfring.s2 link set dev eth1 addrgenmode none
ip -n nslab-ospfring.s2 link set dev eth1 master br0 up
ip -n nslab-ospfring.s2 link set dev eth2 addrgenmode none
ip -n nslab-ospfring.s2 link set dev eth2 master br0 up
ip -n nslab-ospfring.s2 link set dev br0 up
ip -n nslab-ospfring.h1 link set dev lo up
ip -n nslab-ospfring.h1 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.h1 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-ospfring.h1 link set dev eth0 up
ip -n nslab-ospfring.h1 addr add 10.10.6.2/24 dev eth0
ip -n nslab-ospfring.h1 addr add fd00:10:0:6::2/64 dev eth0 nodad
ip -n nslab-ospfring.h1 route add 0.0.0.0/0 via 10.10.6.1
ip -n nslab-ospfring.h1 route add ::/0 via fd00:10:0:6::1
ip -n nslab-ospfring.h2 link set dev lo up
ip -n nslab-ospfring.h2 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.h2 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-ospfring.h2 link set dev eth0 up
ip -n nslab-ospfring.h2 addr add 10.10.6.3/24 dev eth0
ip -n nslab-ospfring.h2 addr add fd00:10:0:6::3/64 dev eth0 nodad
ip -n nslab-ospfring.h2 route add 0.0.0.0/0 via 10.10.6.1
ip -n nslab-ospfring.h2 route add ::/0 via fd00:10:0:6::1
ip -n nslab-ospfring.h3 link set dev lo up
ip -n nslab-ospfring.h3 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.h3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-ospfring.h3 link set dev eth0 up
ip -n nslab-ospfring.h3 addr add 10.10.7.2/24 dev eth0
ip -n nslab-ospfring.h3 addr add fd00:10:0:7::2/64 dev eth0 nodad
ip -n nslab-ospfring.h3 route add 0.0.0.0/0 via 10.10.7.1
ip -n nslab-ospfring.h3 route add ::/0 via fd00:10:0:7::1
ip -n nslab-ospfring.h4 link set dev lo up
ip -n nslab-ospfring.h4 link set dev eth0 addrgenmode none
ip -n nslab-ospfring.h4 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-ospfring.h4 link set dev eth0 up
ip -n nslab-ospfring.h4 addr add 10.10.7.3/24 dev eth0
ip -n nslab-ospfring.h4 addr add fd00:10:0:7::3/64 dev eth0 nodad
ip -n nslab-ospfring.h4 route add 0.0.0.0/0 via 10.10.7.1
ip -n nslab-ospfring.h4 route add ::/0 via fd00:10:0:7::1

# stage services (38)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab ospfring
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'ospfring', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	r1 r1-eth0
10.10.5.2	r1 r1-eth1
10.10.6.1	r1 r1-eth2
10.10.0.2	r2 r2-eth0
10.10.1.1	r2 r2-eth1
10.10.1.2	r3 r3-eth0
10.10.2.1	r3 r3-eth1
10.10.2.2	r4 r4-eth0
10.10.3.1	r4 r4-eth1
10.10.7.1	r4 r4-eth2
10.10.3.2	r5 r5-eth0
10.10.4.1	r5 r5-eth1
10.10.4.2	r6 r6-eth0
10.10.5.1	r6 r6-eth1
10.10.6.2	h1 h1-eth0
10.10.6.3	h2 h2-eth0
10.10.7.2	h3 h3-eth0
10.10.7.3	h4 h4-eth0
fd00:10::1	r1 r1-eth0
fd00:10:0:5::2	r1 r1-eth1
fd00:10:0:6::1	r1 r1-eth2
fd00:10::2	r2 r2-eth0
fd00:10:0:1::1	r2 r2-eth1
fd00:10:0:1::2	r3 r3-eth0
fd00:10:0:2::1	r3 r3-eth1
fd00:10:0:2::2	r4 r4-eth0
fd00:10:0:3::1	r4 r4-eth1
fd00:10:0:7::1	r4 r4-eth2
fd00:10:0:3::2	r5 r5-eth0
fd00:10:0:4::1	r5 r5-eth1
fd00:10:0:4::2	r6 r6-eth0
fd00:10:0:5::1	r6 r6-eth1
fd00:10:0:6::2	h1 h1-eth0
fd00:10:0:6::3	h2 h2-eth0
fd00:10:0:7::2	h3 h3-eth0
fd00:10:0:7::3	h4 h4-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab ospfring
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'ospfring', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r1/etc_frr && chown frr: "$LAB_DIR"/nodes/r1/etc_frr  # /etc/frr of node r1
cat > "$LAB_DIR"/nodes/r1/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r1
!
interface eth0
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 30
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 30
exit
!
interface eth1
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
interface eth2
 ip ospf area 0.0.0.0
 ip ospf passive
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 passive
 ipv6 ospf6 cost 10
exit
!
router ospf
 ospf router-id 10.10.0.1
 timers throttle lsa all 0
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
router ospf6
 ospf6 router-id 10.10.0.1
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r1/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r1/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r1
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r1/var_run_frr && chown frr: "$LAB_DIR"/nodes/r1/var_run_frr  # /var/run/frr of node r1
mkdir -p "$LAB_DIR"/nodes/r1/var_log_frr && chown frr: "$LAB_DIR"/nodes/r1/var_log_frr  # /var/log/frr of node r1
mkdir -p "$LAB_DIR"/nodes/r2/etc_frr && chown frr: "$LAB_DIR"/nodes/r2/etc_frr  # /etc/frr of node r2
cat > "$LAB_DIR"/nodes/r2/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r2
!
interface eth0
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 30
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 30
exit
!
interface eth1
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
router ospf
 ospf router-id 10.10.0.2
 timers throttle lsa all 0
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
router ospf6
 ospf6 router-id 10.10.0.2
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r2/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r2/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r2
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r2/var_run_frr && chown frr: "$LAB_DIR"/nodes/r2/var_run_frr  # /var/run/frr of node r2
mkdir -p "$LAB_DIR"/nodes/r2/var_log_frr && chown frr: "$LAB_DIR"/nodes/r2/var_log_frr  # /var/log/frr of node r2
mkdir -p "$LAB_DIR"/nodes/r3/etc_frr && chown frr: "$LAB_DIR"/nodes/r3/etc_frr  # /etc/frr of node r3
cat > "$LAB_DIR"/nodes/r3/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r3
!
interface eth0
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
interface eth1
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
router ospf
 ospf router-id 10.10.1.2
 timers throttle lsa all 0
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
router ospf6
 ospf6 router-id 10.10.1.2
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r3/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r3/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r3
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r3/var_run_frr && chown frr: "$LAB_DIR"/nodes/r3/var_run_frr  # /var/run/frr of node r3
mkdir -p "$LAB_DIR"/nodes/r3/var_log_frr && chown frr: "$LAB_DIR"/nodes/r3/var_log_frr  # /var/log/frr of node r3
mkdir -p "$LAB_DIR"/nodes/r4/etc_frr && chown frr: "$LAB_DIR"/nodes/r4/etc_frr  # /etc/frr of node r4
cat > "$LAB_DIR"/nodes/r4/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r4
!
interface eth0
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
interface eth1
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
interface eth2
 ip ospf area 0.0.0.0
 ip ospf passive
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 passive
 ipv6 ospf6 cost 10
exit
!
router ospf
 ospf router-id 10.10.2.2
 timers throttle lsa all 0
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
router ospf6
 ospf6 router-id 10.10.2.2
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r4/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r4/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r4
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r4/var_run_frr && chown frr: "$LAB_DIR"/nodes/r4/var_run_frr  # /var/run/frr of node r4
mkdir -p "$LAB_DIR"/nodes/r4/var_log_frr && chown frr: "$LAB_DIR"/nodes/r4/var_log_frr  # /var/log/frr of node r4
mkdir -p "$LAB_DIR"/nodes/r5/etc_frr && chown frr: "$LAB_DIR"/nodes/r5/etc_frr  # /etc/frr of node r5
cat > "$LAB_DIR"/nodes/r5/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r5
!
interface eth0
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
interface eth1
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
router ospf
 ospf router-id 10.10.3.2
 timers throttle lsa all 0
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
router ospf6
 ospf6 router-id 10.10.3.2
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r5/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r5/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r5
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r5/var_run_frr && chown frr: "$LAB_DIR"/nodes/r5/var_run_frr  # /var/run/frr of node r5
mkdir -p "$LAB_DIR"/nodes/r5/var_log_frr && chown frr: "$LAB_DIR"/nodes/r5/var_log_frr  # /var/log/frr of node r5
mkdir -p "$LAB_DIR"/nodes/r6/etc_frr && chown frr: "$LAB_DIR"/nodes/r6/etc_frr  # /etc/frr of node r6
cat > "$LAB_DIR"/nodes/r6/etc_frr/frr.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r6
!
interface eth0
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
interface eth1
 ip ospf area 0.0.0.0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost 10
 ipv6 ospf6 area 0.0.0.0
 ipv6 ospf6 network point-to-point
 ipv6 ospf6 hello-interval 1
 ipv6 ospf6 dead-interval 3
 ipv6 ospf6 cost 10
exit
!
router ospf
 ospf router-id 10.10.4.2
 timers throttle lsa all 0
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
router ospf6
 ospf6 router-id 10.10.4.2
 timers lsa min-arrival 0
 timers throttle spf 0 50 500
exit
!
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r6/etc_frr/vtysh.conf <<'NSLAB_EOF'
service integrated-vtysh-config
NSLAB_EOF
cat > "$LAB_DIR"/nodes/r6/etc_frr/zebra.conf <<'NSLAB_EOF'
! generated by nslab
frr defaults datacenter
hostname r6
!
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/r6/var_run_frr && chown frr: "$LAB_DIR"/nodes/r6/var_run_frr  # /var/run/frr of node r6
mkdir -p "$LAB_DIR"/nodes/r6/var_log_frr && chown frr: "$LAB_DIR"/nodes/r6/var_log_frr  # /var/log/frr of node r6
ip netns exec nslab-ospfring.r1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r1/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r1/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r1/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-ospfring.r1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r1/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r1/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r1/var_log_frr' /var/log/frr -- /usr/lib/frr/ospfd -f /etc/frr/frr.conf -i /var/run/frr/ospfd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r1/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r1/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r1/var_log_frr' /var/log/frr -- /usr/lib/frr/ospf6d -f /etc/frr/frr.conf -i /var/run/frr/ospf6d.pid -A ::1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r2/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r2/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r2/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-ospfring.r2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r2/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r2/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r2/var_log_frr' /var/log/frr -- /usr/lib/frr/ospfd -f /etc/frr/frr.conf -i /var/run/frr/ospfd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r2/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r2/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r2/var_log_frr' /var/log/frr -- /usr/lib/frr/ospf6d -f /etc/frr/frr.conf -i /var/run/frr/ospf6d.pid -A ::1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r3 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r3/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r3/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r3/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-ospfring.r3 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r3/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r3/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r3/var_log_frr' /var/log/frr -- /usr/lib/frr/ospfd -f /etc/frr/frr.conf -i /var/run/frr/ospfd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r3 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r3/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r3/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r3/var_log_frr' /var/log/frr -- /usr/lib/frr/ospf6d -f /etc/frr/frr.conf -i /var/run/frr/ospf6d.pid -A ::1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r4 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r4/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r4/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r4/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-ospfring.r4 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r4/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r4/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r4/var_log_frr' /var/log/frr -- /usr/lib/frr/ospfd -f /etc/frr/frr.conf -i /var/run/frr/ospfd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r4 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r4/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r4/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r4/var_log_frr' /var/log/frr -- /usr/lib/frr/ospf6d -f /etc/frr/frr.conf -i /var/run/frr/ospf6d.pid -A ::1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r5 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r5/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r5/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r5/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-ospfring.r5 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r5/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r5/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r5/var_log_frr' /var/log/frr -- /usr/lib/frr/ospfd -f /etc/frr/frr.conf -i /var/run/frr/ospfd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r5 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r5/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r5/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r5/var_log_frr' /var/log/frr -- /usr/lib/frr/ospf6d -f /etc/frr/frr.conf -i /var/run/frr/ospf6d.pid -A ::1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r6 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r6/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r6/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r6/var_log_frr' /var/log/frr -- /usr/lib/frr/zebra -f /etc/frr/zebra.conf -i /var/run/frr/zebra.pid -A 127.0.0.1 --log stdout --limit-fds 1024 -s 90000000 &
ip netns exec nslab-ospfring.r6 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r6/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r6/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r6/var_log_frr' /var/log/frr -- /usr/lib/frr/ospfd -f /etc/frr/frr.conf -i /var/run/frr/ospfd.pid -A 127.0.0.1 --log stdout --limit-fds 1024 &
ip netns exec nslab-ospfring.r6 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf "$LAB_DIR"'/nodes/r6/etc_frr' /etc/frr "$LAB_DIR"'/nodes/r6/var_run_frr' /var/run/frr "$LAB_DIR"'/nodes/r6/var_log_frr' /var/log/frr -- /usr/lib/frr/ospf6d -f /etc/frr/frr.conf -i /var/run/frr/ospf6d.pid -A ::1 --log stdout --limit-fds 1024 &

`

exports[`test/unit/plan.test.ts > TAP > plan for router-chain.yaml > commands 1`] = `
# plan for lab 'chain': 5 namespaces, 78 operations

# stage namespaces (5)
ip netns add nslab-chain.h1
ip netns add nslab-chain.r1
ip netns add nslab-chain.r2
ip netns add nslab-chain.r3
ip netns add nslab-chain.h2

# stage links (4)
ip link add name eth0 address 02:c3:62:00:01:00 index 4096 netns nslab-chain.h1 type veth peer name eth0 address 02:c3:62:00:02:00 index 8192 netns nslab-chain.r1
ip link add name eth1 address 02:c3:62:00:02:01 index 8193 netns nslab-chain.r1 type veth peer name eth0 address 02:c3:62:00:03:00 index 12288 netns nslab-chain.r2
ip link add name eth1 mtu 9000 address 02:c3:62:00:03:01 index 12289 netns nslab-chain.r2 type veth peer name eth0 mtu 9000 address 02:c3:62:00:04:00 index 16384 netns nslab-chain.r3
ip link add name eth1 address 02:c3:62:00:04:01 index 16385 netns nslab-chain.r3 type veth peer name eth0 address 02:c3:62:00:05:00 index 20480 netns nslab-chain.h2

# stage configure (67)
ip netns exec nslab-chain.r1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-chain.r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-chain.r2 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-chain.r2 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-chain.r3 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-chain.r3 sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n nslab-chain.h1 link set dev lo up
ip -n nslab-chain.h1 link set dev eth0 addrgenmode none
ip -n nslab-chain.h1 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-chain.h1 link set dev eth0 up
ip -n nslab-chain.h1 addr add 10.20.0.2/24 dev eth0
ip -n nslab-chain.h1 addr add fd00:20::2/64 dev eth0 nodad
ip -n nslab-chain.h1 route add 0.0.0.0/0 via 10.20.0.1
ip -n nslab-chain.h1 route add ::/0 via fd00:20::1
ip -n nslab-chain.r1 link set dev lo up
ip -n nslab-chain.r1 link set dev eth0 addrgenmode none
ip -n nslab-chain.r1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-chain.r1 link set dev eth0 up
ip -n nslab-chain.r1 addr add 10.20.0.1/24 dev eth0
ip -n nslab-chain.r1 addr add fd00:20::1/64 dev eth0 nodad
ip -n nslab-chain.r1 link set dev eth1 addrgenmode none
ip -n nslab-chain.r1 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-chain.r1 link set dev eth1 up
ip -n nslab-chain.r1 addr add 10.20.12.1/30 dev eth1
ip -n nslab-chain.r1 addr add fd00:20:12::1/64 dev eth1 nodad
ip -n nslab-chain.r1 route add 10.20.23.0/30 via 10.20.12.2
ip -n nslab-chain.r1 route add fd00:20:23::/64 via fd00:20:12::2
ip -n nslab-chain.r1 route add 10.20.1.0/24 via 10.20.12.2
ip -n nslab-chain.r1 route add fd00:20:0:1::/64 via fd00:20:12::2
ip -n nslab-chain.r2 link set dev lo up
ip -n nslab-chain.r2 link set dev eth0 addrgenmode none
ip -n nslab-chain.r2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-chain.r2 link set dev eth0 up
ip -n nslab-chain.r2 addr add 10.20.12.2/30 dev eth0
ip -n nslab-chain.r2 addr add fd00:20:12::2/64 dev eth0 nodad
ip -n nslab-chain.r2 link set dev eth1 addrgenmode none
ip -n nslab-chain.r2 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-chain.r2 link set dev eth1 up
ip -n nslab-chain.r2 addr add 10.20.23.1/30 dev eth1
ip -n nslab-chain.r2 addr add fd00:20:23::1/64 dev eth1 nodad
ip -n nslab-chain.r2 route add 10.20.0.0/24 via 10.20.12.1
ip -n nslab-chain.r2 route add fd00:20::/64 via fd00:20:12::1
ip -n nslab-chain.r2 route add 10.20.1.0/24 via 10.20.23.2
ip -n nslab-chain.r2 route add fd00:20:0:1::/64 via fd00:20:23::2
ip -n nslab-chain.r3 link set dev lo up
ip -n nslab-chain.r3 link set dev eth0 addrgenmode none
ip -n nslab-chain.r3 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-chain.r3 link set dev eth0 up
ip -n nslab-chain.r3 addr add 10.20.23.2/30 dev eth0
ip -n nslab-chain.r3 addr add fd00:20:23::2/64 dev eth0 nodad
ip -n nslab-chain.r3 link set dev eth1 addrgenmode none
ip -n nslab-chain.r3 addr add fe80::1/64 dev eth1 nodad
ip -n nslab-chain.r3 link set dev eth1 up
ip -n nslab-chain.r3 addr add 10.20.1.1/24 dev eth1
ip -n nslab-chain.r3 addr add fd00:20:0:1::1/64 dev eth1 nodad
ip -n nslab-chain.r3 route add 10.20.0.0/24 via 10.20.23.1
ip -n nslab-chain.r3 route add fd00:20::/64 via fd00:20:23::1
ip -n nslab-chain.r3 route add 10.20.12.0/30 via 10.20.23.1
ip -n nslab-chain.r3 route add fd00:20:12::/64 via fd00:20:23::1
ip -n nslab-chain.h2 link set dev lo up
ip -n nslab-chain.h2 link set dev eth0 addrgenmode none
ip -n nslab-chain.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-chain.h2 link set dev eth0 up
ip -n nslab-chain.h2 addr add 10.20.1.2/24 dev eth0
ip -n nslab-chain.h2 addr add fd00:20:0:1::2/64 dev eth0 nodad
ip -n nslab-chain.h2 route add 0.0.0.0/0 via 10.20.1.1
ip -n nslab-chain.h2 route add ::/0 via fd00:20:0:1::1

# stage services (2)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab chain
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'chain', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.20.0.2	h1 h1-eth0
10.20.0.1	r1 r1-eth0
10.20.12.1	r1 r1-eth1
10.20.12.2	r2 r2-eth0
10.20.23.1	r2 r2-eth1
10.20.23.2	r3 r3-eth0
10.20.1.1	r3 r3-eth1
10.20.1.2	h2 h2-eth0
fd00:20::2	h1 h1-eth0
fd00:20::1	r1 r1-eth0
fd00:20:12::1	r1 r1-eth1
fd00:20:12::2	r2 r2-eth0
fd00:20:23::1	r2 r2-eth1
fd00:20:23::2	r3 r3-eth0
fd00:20:0:1::1	r3 r3-eth1
fd00:20:0:1::2	h2 h2-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab chain
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'chain', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF

`

exports[`test/unit/plan.test.ts > TAP > plan for sdn-learning.yaml > commands 1`] = `
# plan for lab 'sdn': 6 namespaces, 65 operations

# stage namespaces (6)
ip netns add nslab-sdn.s1
ip netns add nslab-sdn.s2
ip netns add nslab-sdn.h1
ip netns add nslab-sdn.h2
ip netns add nslab-sdn.h3
ip netns add nslab-sdn.h4

# stage links (5)
ip link add name eth0 address 02:30:10:00:03:00 index 12288 netns nslab-sdn.h1 type veth peer name eth0 address 02:30:10:00:01:00 index 4096 netns nslab-sdn.s1
ip link add name eth0 address 02:30:10:00:04:00 index 16384 netns nslab-sdn.h2 type veth peer name eth1 address 02:30:10:00:01:01 index 4097 netns nslab-sdn.s1
ip link add name eth2 address 02:30:10:00:01:02 index 4098 netns nslab-sdn.s1 type veth peer name eth0 address 02:30:10:00:02:00 index 8192 netns nslab-sdn.s2
ip link add name eth0 address 02:30:10:00:05:00 index 20480 netns nslab-sdn.h3 type veth peer name eth1 address 02:30:10:00:02:01 index 8193 netns nslab-sdn.s2
ip link add name eth0 address 02:30:10:00:06:00 index 24576 netns nslab-sdn.h4 type veth peer name eth2 address 02:30:10:00:02:02 index 8194 netns nslab-sdn.s2

# stage configure (38)
ip -n nslab-sdn.s1 link set dev lo up
ip -n nslab-sdn.s1 link set dev eth0 addrgenmode none
ip -n nslab-sdn.s1 link set dev eth0 up
ip -n nslab-sdn.s1 link set dev eth1 addrgenmode none
ip -n nslab-sdn.s1 link set dev eth1 up
ip -n nslab-sdn.s1 link set dev eth2 addrgenmode none
ip -n nslab-sdn.s1 link set dev eth2 up
ip -n nslab-sdn.s2 link set dev lo up
ip -n nslab-sdn.s2 link set dev eth0 addrgenmode none
ip -n nslab-sdn.s2 link set dev eth0 up
ip -n nslab-sdn.s2 link set dev eth1 addrgenmode none
ip -n nslab-sdn.s2 link set dev eth1 up
ip -n nslab-sdn.s2 link set dev eth2 addrgenmode none
ip -n nslab-sdn.s2 link set dev eth2 up
ip -n nslab-sdn.h1 link set dev lo up
ip -n nslab-sdn.h1 link set dev eth0 addrgenmode none
ip -n nslab-sdn.h1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-sdn.h1 link set dev eth0 up
ip -n nslab-sdn.h1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-sdn.h1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-sdn.h2 link set dev lo up
ip -n nslab-sdn.h2 link set dev eth0 addrgenmode none
ip -n nslab-sdn.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-sdn.h2 link set dev eth0 up
ip -n nslab-sdn.h2 addr add 10.10.0.2/24 dev eth0
ip -n nslab-sdn.h2 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-sdn.h3 link set dev lo up
ip -n nslab-sdn.h3 link set dev eth0 addrgenmode none
ip -n nslab-sdn.h3 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-sdn.h3 link set dev eth0 up
ip -n nslab-sdn.h3 addr add 10.10.0.3/24 dev eth0
ip -n nslab-sdn.h3 addr add fd00:10::3/64 dev eth0 nodad
ip -n nslab-sdn.h4 link set dev lo up
ip -n nslab-sdn.h4 link set dev eth0 addrgenmode none
ip -n nslab-sdn.h4 addr add fe80::4/64 dev eth0 nodad
ip -n nslab-sdn.h4 link set dev eth0 up
ip -n nslab-sdn.h4 addr add 10.10.0.4/24 dev eth0
ip -n nslab-sdn.h4 addr add fd00:10::4/64 dev eth0 nodad

# stage services (16)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab sdn
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'sdn', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	h1 h1-eth0
10.10.0.2	h2 h2-eth0
10.10.0.3	h3 h3-eth0
10.10.0.4	h4 h4-eth0
fd00:10::1	h1 h1-eth0
fd00:10::2	h2 h2-eth0
fd00:10::3	h3 h3-eth0
fd00:10::4	h4 h4-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab sdn
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'sdn', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/s1/ovs_run  # ovs/run of node s1
mkdir -p "$LAB_DIR"/nodes/s1/ovs_db  # ovs/db of node s1
mkdir -p "$LAB_DIR"/nodes/s1/ovs_log  # ovs/log of node s1
mkdir -p "$LAB_DIR"/nodes/s1/ovs_etc  # ovs/etc of node s1
mkdir -p "$LAB_DIR"/nodes/s2/ovs_run  # ovs/run of node s2
mkdir -p "$LAB_DIR"/nodes/s2/ovs_db  # ovs/db of node s2
mkdir -p "$LAB_DIR"/nodes/s2/ovs_log  # ovs/log of node s2
mkdir -p "$LAB_DIR"/nodes/s2/ovs_etc  # ovs/etc of node s2
ip netns exec nslab-sdn.s1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s1/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s1/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s1/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s1/ovs_etc' sh -c 'ovsdb-tool create "$OVS_DBDIR/conf.db" && exec ovsdb-server "$OVS_DBDIR/conf.db" --remote=punix:"$OVS_RUNDIR/db.sock" --pidfile -vconsole:info -vsyslog:off' &
ip netns exec nslab-sdn.s1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s1/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s1/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s1/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s1/ovs_etc' /usr/bin/ovs-testcontroller --pidfile --wildcards -vconsole:info -vsyslog:off ptcp:6653:127.0.0.1 &
ip netns exec nslab-sdn.s1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s1/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s1/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s1/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s1/ovs_etc' sh -c 'dp=netdev; [ -d /sys/module/openvswitch ] && dp=system
echo "$dp" > "$OVS_RUNDIR/nslab.datapath"
ovs-vsctl --no-wait -- init -- set Open_vSwitch . other_config:userspace-tso-enable=true -- add-br br0 -- set bridge br0 datapath_type="$dp" other-config:datapath-id=0000000000000001 fail_mode=secure protocols=OpenFlow10,OpenFlow13 -- add-port br0 eth0 -- set interface eth0 ofport_request=1 -- add-port br0 eth1 -- set interface eth1 ofport_request=2 -- add-port br0 eth2 -- set interface eth2 ofport_request=3 -- --id=@c create Controller '\\''target="tcp:127.0.0.1:6653"'\\'' max_backoff=1000 connection_mode=out-of-band -- set bridge br0 controller=@c >/dev/null || exit 1
log=$(readlink /proc/$$/fd/1)
( ( i=0; until grep -q '\\''rconn|INFO|br0<->.*: connected$'\\'' "$log" && [ "$(grep -c '\\''bridge br0: added interface'\\'' "$log")" -ge 4 ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.05; done; : > "$OVS_RUNDIR/nslab.connected" ) & )
exec ovs-vswitchd --pidfile -vconsole:info -vsyslog:off' &
ip netns exec nslab-sdn.s2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s2/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s2/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s2/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s2/ovs_etc' sh -c 'ovsdb-tool create "$OVS_DBDIR/conf.db" && exec ovsdb-server "$OVS_DBDIR/conf.db" --remote=punix:"$OVS_RUNDIR/db.sock" --pidfile -vconsole:info -vsyslog:off' &
ip netns exec nslab-sdn.s2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s2/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s2/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s2/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s2/ovs_etc' /usr/bin/ovs-testcontroller --pidfile --wildcards -vconsole:info -vsyslog:off ptcp:6653:127.0.0.1 &
ip netns exec nslab-sdn.s2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s2/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s2/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s2/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s2/ovs_etc' sh -c 'dp=netdev; [ -d /sys/module/openvswitch ] && dp=system
echo "$dp" > "$OVS_RUNDIR/nslab.datapath"
ovs-vsctl --no-wait -- init -- set Open_vSwitch . other_config:userspace-tso-enable=true -- add-br br0 -- set bridge br0 datapath_type="$dp" other-config:datapath-id=0000000000000002 fail_mode=secure protocols=OpenFlow10,OpenFlow13 -- add-port br0 eth0 -- set interface eth0 ofport_request=1 -- add-port br0 eth1 -- set interface eth1 ofport_request=2 -- add-port br0 eth2 -- set interface eth2 ofport_request=3 -- --id=@c create Controller '\\''target="tcp:127.0.0.1:6653"'\\'' max_backoff=1000 connection_mode=out-of-band -- set bridge br0 controller=@c >/dev/null || exit 1
log=$(readlink /proc/$$/fd/1)
( ( i=0; until grep -q '\\''rconn|INFO|br0<->.*: connected$'\\'' "$log" && [ "$(grep -c '\\''bridge br0: added interface'\\'' "$log")" -ge 4 ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.05; done; : > "$OVS_RUNDIR/nslab.connected" ) & )
exec ovs-vswitchd --pidfile -vconsole:info -vsyslog:off' &

`

exports[`test/unit/plan.test.ts > TAP > plan for sdn-osken.yaml > commands 1`] = `
# plan for lab 'sdn-osken': 5 namespaces, 55 operations

# stage namespaces (5)
ip netns add nslab-sdn-osken.s1
ip netns add nslab-sdn-osken.s2
ip netns add nslab-sdn-osken.h1
ip netns add nslab-sdn-osken.h2
ip netns add nslab-sdn-osken.h3

# stage links (4)
ip link add name eth0 address 02:8d:88:00:03:00 index 12288 netns nslab-sdn-osken.h1 type veth peer name eth0 address 02:8d:88:00:01:00 index 4096 netns nslab-sdn-osken.s1
ip link add name eth0 address 02:8d:88:00:04:00 index 16384 netns nslab-sdn-osken.h2 type veth peer name eth1 address 02:8d:88:00:01:01 index 4097 netns nslab-sdn-osken.s1
ip link add name eth2 address 02:8d:88:00:01:02 index 4098 netns nslab-sdn-osken.s1 type veth peer name eth0 address 02:8d:88:00:02:00 index 8192 netns nslab-sdn-osken.s2
ip link add name eth0 address 02:8d:88:00:05:00 index 20480 netns nslab-sdn-osken.h3 type veth peer name eth1 address 02:8d:88:00:02:01 index 8193 netns nslab-sdn-osken.s2

# stage configure (30)
ip -n nslab-sdn-osken.s1 link set dev lo up
ip -n nslab-sdn-osken.s1 link set dev eth0 addrgenmode none
ip -n nslab-sdn-osken.s1 link set dev eth0 up
ip -n nslab-sdn-osken.s1 link set dev eth1 addrgenmode none
ip -n nslab-sdn-osken.s1 link set dev eth1 up
ip -n nslab-sdn-osken.s1 link set dev eth2 addrgenmode none
ip -n nslab-sdn-osken.s1 link set dev eth2 up
ip -n nslab-sdn-osken.s2 link set dev lo up
ip -n nslab-sdn-osken.s2 link set dev eth0 addrgenmode none
ip -n nslab-sdn-osken.s2 link set dev eth0 up
ip -n nslab-sdn-osken.s2 link set dev eth1 addrgenmode none
ip -n nslab-sdn-osken.s2 link set dev eth1 up
ip -n nslab-sdn-osken.h1 link set dev lo up
ip -n nslab-sdn-osken.h1 link set dev eth0 addrgenmode none
ip -n nslab-sdn-osken.h1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-sdn-osken.h1 link set dev eth0 up
ip -n nslab-sdn-osken.h1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-sdn-osken.h1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-sdn-osken.h2 link set dev lo up
ip -n nslab-sdn-osken.h2 link set dev eth0 addrgenmode none
ip -n nslab-sdn-osken.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-sdn-osken.h2 link set dev eth0 up
ip -n nslab-sdn-osken.h2 addr add 10.10.0.2/24 dev eth0
ip -n nslab-sdn-osken.h2 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-sdn-osken.h3 link set dev lo up
ip -n nslab-sdn-osken.h3 link set dev eth0 addrgenmode none
ip -n nslab-sdn-osken.h3 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-sdn-osken.h3 link set dev eth0 up
ip -n nslab-sdn-osken.h3 addr add 10.10.0.3/24 dev eth0
ip -n nslab-sdn-osken.h3 addr add fd00:10::3/64 dev eth0 nodad

# stage services (16)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab sdn-osken
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'sdn-osken', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	h1 h1-eth0
10.10.0.2	h2 h2-eth0
10.10.0.3	h3 h3-eth0
fd00:10::1	h1 h1-eth0
fd00:10::2	h2 h2-eth0
fd00:10::3	h3 h3-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab sdn-osken
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'sdn-osken', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF
mkdir -p "$LAB_DIR"/nodes/s1/ovs_run  # ovs/run of node s1
mkdir -p "$LAB_DIR"/nodes/s1/ovs_db  # ovs/db of node s1
mkdir -p "$LAB_DIR"/nodes/s1/ovs_log  # ovs/log of node s1
mkdir -p "$LAB_DIR"/nodes/s1/ovs_etc  # ovs/etc of node s1
mkdir -p "$LAB_DIR"/nodes/s2/ovs_run  # ovs/run of node s2
mkdir -p "$LAB_DIR"/nodes/s2/ovs_db  # ovs/db of node s2
mkdir -p "$LAB_DIR"/nodes/s2/ovs_log  # ovs/log of node s2
mkdir -p "$LAB_DIR"/nodes/s2/ovs_etc  # ovs/etc of node s2
ip netns exec nslab-sdn-osken.s1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s1/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s1/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s1/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s1/ovs_etc' sh -c 'ovsdb-tool create "$OVS_DBDIR/conf.db" && exec ovsdb-server "$OVS_DBDIR/conf.db" --remote=punix:"$OVS_RUNDIR/db.sock" --pidfile -vconsole:info -vsyslog:off' &
ip netns exec nslab-sdn-osken.s1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s1/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s1/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s1/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s1/ovs_etc' sh -c 'cd topologies && exec osken-manager --ofp-listen-host 127.0.0.1 ../examples/sdn/simple_switch_13.py' &
ip netns exec nslab-sdn-osken.s1 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s1/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s1/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s1/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s1/ovs_etc' sh -c 'dp=netdev; [ -d /sys/module/openvswitch ] && dp=system
echo "$dp" > "$OVS_RUNDIR/nslab.datapath"
ovs-vsctl --no-wait -- init -- set Open_vSwitch . other_config:userspace-tso-enable=true -- add-br br0 -- set bridge br0 datapath_type="$dp" other-config:datapath-id=0000000000000001 fail_mode=secure protocols=OpenFlow13 -- add-port br0 eth0 -- set interface eth0 ofport_request=1 -- add-port br0 eth1 -- set interface eth1 ofport_request=2 -- add-port br0 eth2 -- set interface eth2 ofport_request=3 -- --id=@c create Controller '\\''target="tcp:127.0.0.1:6653"'\\'' max_backoff=1000 connection_mode=out-of-band -- set bridge br0 controller=@c >/dev/null || exit 1
log=$(readlink /proc/$$/fd/1)
( ( i=0; until grep -q '\\''rconn|INFO|br0<->.*: connected$'\\'' "$log" && [ "$(grep -c '\\''bridge br0: added interface'\\'' "$log")" -ge 4 ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.05; done; : > "$OVS_RUNDIR/nslab.connected" ) & )
exec ovs-vswitchd --pidfile -vconsole:info -vsyslog:off' &
ip netns exec nslab-sdn-osken.s2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s2/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s2/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s2/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s2/ovs_etc' sh -c 'ovsdb-tool create "$OVS_DBDIR/conf.db" && exec ovsdb-server "$OVS_DBDIR/conf.db" --remote=punix:"$OVS_RUNDIR/db.sock" --pidfile -vconsole:info -vsyslog:off' &
ip netns exec nslab-sdn-osken.s2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s2/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s2/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s2/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s2/ovs_etc' sh -c 'cd topologies && exec osken-manager --ofp-listen-host 127.0.0.1 ../examples/sdn/simple_switch_13.py' &
ip netns exec nslab-sdn-osken.s2 sh -c 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"' sh "$LAB_DIR"'/lab/hosts' /etc/hosts "$LAB_DIR"'/lab/gai.conf' /etc/gai.conf -- env OVS_RUNDIR="$LAB_DIR"/'nodes/s2/ovs_run' OVS_DBDIR="$LAB_DIR"/'nodes/s2/ovs_db' OVS_LOGDIR="$LAB_DIR"/'nodes/s2/ovs_log' OVS_SYSCONFDIR="$LAB_DIR"/'nodes/s2/ovs_etc' sh -c 'dp=netdev; [ -d /sys/module/openvswitch ] && dp=system
echo "$dp" > "$OVS_RUNDIR/nslab.datapath"
ovs-vsctl --no-wait -- init -- set Open_vSwitch . other_config:userspace-tso-enable=true -- add-br br0 -- set bridge br0 datapath_type="$dp" other-config:datapath-id=0000000000000002 fail_mode=secure protocols=OpenFlow13 -- add-port br0 eth0 -- set interface eth0 ofport_request=1 -- add-port br0 eth1 -- set interface eth1 ofport_request=2 -- --id=@c create Controller '\\''target="tcp:127.0.0.1:6653"'\\'' max_backoff=1000 connection_mode=out-of-band -- set bridge br0 controller=@c >/dev/null || exit 1
log=$(readlink /proc/$$/fd/1)
( ( i=0; until grep -q '\\''rconn|INFO|br0<->.*: connected$'\\'' "$log" && [ "$(grep -c '\\''bridge br0: added interface'\\'' "$log")" -ge 3 ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.05; done; : > "$OVS_RUNDIR/nslab.connected" ) & )
exec ovs-vswitchd --pidfile -vconsole:info -vsyslog:off' &

`

exports[`test/unit/plan.test.ts > TAP > plan for star.yaml > commands 1`] = `
# plan for lab 'star': 5 namespaces, 50 operations

# stage namespaces (5)
ip netns add nslab-star.s1
ip netns add nslab-star.h1
ip netns add nslab-star.h2
ip netns add nslab-star.h3
ip netns add nslab-star.h4

# stage links (4)
ip link add name eth0 address 02:fe:4a:00:02:00 index 8192 netns nslab-star.h1 type veth peer name eth0 address 02:fe:4a:00:01:00 index 4096 netns nslab-star.s1
ip link add name eth0 address 02:fe:4a:00:03:00 index 12288 netns nslab-star.h2 type veth peer name eth1 address 02:fe:4a:00:01:01 index 4097 netns nslab-star.s1
ip link add name eth0 address 02:fe:4a:00:04:00 index 16384 netns nslab-star.h3 type veth peer name eth2 address 02:fe:4a:00:01:02 index 4098 netns nslab-star.s1
ip link add name eth0 address 02:fe:4a:00:05:00 index 20480 netns nslab-star.h4 type veth peer name eth3 address 02:fe:4a:00:01:03 index 4099 netns nslab-star.s1

# stage configure (39)
ip netns exec nslab-star.s1 sysctl -e -qw net.bridge.bridge-nf-call-iptables=0
ip netns exec nslab-star.s1 sysctl -e -qw net.bridge.bridge-nf-call-ip6tables=0
ip netns exec nslab-star.s1 sysctl -e -qw net.bridge.bridge-nf-call-arptables=0
ip -n nslab-star.s1 link set dev lo up
ip -n nslab-star.s1 link add name br0 type bridge stp_state 0
ip -n nslab-star.s1 link set dev br0 addrgenmode none
ip -n nslab-star.s1 link set dev eth0 addrgenmode none
ip -n nslab-star.s1 link set dev eth0 master br0 up
ip -n nslab-star.s1 link set dev eth1 addrgenmode none
ip -n nslab-star.s1 link set dev eth1 master br0 up
ip -n nslab-star.s1 link set dev eth2 addrgenmode none
ip -n nslab-star.s1 link set dev eth2 master br0 up
ip -n nslab-star.s1 link set dev eth3 addrgenmode none
ip -n nslab-star.s1 link set dev eth3 master br0 up
ip -n nslab-star.s1 link set dev br0 up
ip -n nslab-star.h1 link set dev lo up
ip -n nslab-star.h1 link set dev eth0 addrgenmode none
ip -n nslab-star.h1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-star.h1 link set dev eth0 up
ip -n nslab-star.h1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-star.h1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-star.h2 link set dev lo up
ip -n nslab-star.h2 link set dev eth0 addrgenmode none
ip -n nslab-star.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-star.h2 link set dev eth0 up
ip -n nslab-star.h2 addr add 10.10.0.2/24 dev eth0
ip -n nslab-star.h2 addr add fd00:10::2/64 dev eth0 nodad
ip -n nslab-star.h3 link set dev lo up
ip -n nslab-star.h3 link set dev eth0 addrgenmode none
ip -n nslab-star.h3 addr add fe80::3/64 dev eth0 nodad
ip -n nslab-star.h3 link set dev eth0 up
ip -n nslab-star.h3 addr add 10.10.0.3/24 dev eth0
ip -n nslab-star.h3 addr add fd00:10::3/64 dev eth0 nodad
ip -n nslab-star.h4 link set dev lo up
ip -n nslab-star.h4 link set dev eth0 addrgenmode none
ip -n nslab-star.h4 addr add fe80::4/64 dev eth0 nodad
ip -n nslab-star.h4 link set dev eth0 up
ip -n nslab-star.h4 addr add 10.10.0.4/24 dev eth0
ip -n nslab-star.h4 addr add fd00:10::4/64 dev eth0 nodad

# stage services (2)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab star
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'star', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	h1 h1-eth0
10.10.0.2	h2 h2-eth0
10.10.0.3	h3 h3-eth0
10.10.0.4	h4 h4-eth0
fd00:10::1	h1 h1-eth0
fd00:10::2	h2 h2-eth0
fd00:10::3	h3 h3-eth0
fd00:10::4	h4 h4-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab star
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'star', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF

`

exports[`test/unit/plan.test.ts > TAP > plan for two-hosts.yaml > commands 1`] = `
# plan for lab 'two-hosts': 2 namespaces, 17 operations

# stage namespaces (2)
ip netns add nslab-two-hosts.h1
ip netns add nslab-two-hosts.h2

# stage links (1)
ip link add name eth0 address 02:6c:74:00:01:00 index 4096 netns nslab-two-hosts.h1 type veth peer name eth0 address 02:6c:74:00:02:00 index 8192 netns nslab-two-hosts.h2

# stage configure (12)
ip -n nslab-two-hosts.h1 link set dev lo up
ip -n nslab-two-hosts.h1 link set dev eth0 addrgenmode none
ip -n nslab-two-hosts.h1 addr add fe80::1/64 dev eth0 nodad
ip -n nslab-two-hosts.h1 link set dev eth0 up
ip -n nslab-two-hosts.h1 addr add 10.10.0.1/24 dev eth0
ip -n nslab-two-hosts.h1 addr add fd00:10::1/64 dev eth0 nodad
ip -n nslab-two-hosts.h2 link set dev lo up
ip -n nslab-two-hosts.h2 link set dev eth0 addrgenmode none
ip -n nslab-two-hosts.h2 addr add fe80::2/64 dev eth0 nodad
ip -n nslab-two-hosts.h2 link set dev eth0 up
ip -n nslab-two-hosts.h2 addr add 10.10.0.2/24 dev eth0
ip -n nslab-two-hosts.h2 addr add fd00:10::2/64 dev eth0 nodad

# stage services (2)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab two-hosts
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'two-hosts', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.10.0.1	h1 h1-eth0
10.10.0.2	h2 h2-eth0
fd00:10::1	h1 h1-eth0
fd00:10::2	h2 h2-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab two-hosts
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'two-hosts', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF

`

exports[`test/unit/plan.test.ts > TAP > plan for vrf-lite.yaml > commands 1`] = `
# plan for lab 'vrf-lite': 6 namespaces, 72 operations

# stage namespaces (6)
ip netns add nslab-vrf-lite.pe1
ip netns add nslab-vrf-lite.pe2
ip netns add nslab-vrf-lite.red1
ip netns add nslab-vrf-lite.blue1
ip netns add nslab-vrf-lite.red2
ip netns add nslab-vrf-lite.blue2

# stage links (6)
ip link add name eth0 address 02:cf:f8:00:01:00 index 4096 netns nslab-vrf-lite.pe1 type veth peer name eth0 address 02:cf:f8:00:02:00 index 8192 netns nslab-vrf-lite.pe2
ip link add name eth1 address 02:cf:f8:00:01:01 index 4097 netns nslab-vrf-lite.pe1 type veth peer name eth1 address 02:cf:f8:00:02:01 index 8193 netns nslab-vrf-lite.pe2
ip link add name eth2 address 02:cf:f8:00:01:02 index 4098 netns nslab-vrf-lite.pe1 type veth peer name eth0 address 02:cf:f8:00:03:00 index 12288 netns nslab-vrf-lite.red1
ip link add name eth3 address 02:cf:f8:00:01:03 index 4099 netns nslab-vrf-lite.pe1 type veth peer name eth0 address 02:cf:f8:00:04:00 index 16384 netns nslab-vrf-lite.blue1
ip link add name eth2 address 02:cf:f8:00:02:02 index 8194 netns nslab-vrf-lite.pe2 type veth peer name eth0 address 02:cf:f8:00:05:00 index 20480 netns nslab-vrf-lite.red2
ip link add name eth3 address 02:cf:f8:00:02:03 index 8195 netns nslab-vrf-lite.pe2 type veth peer name eth0 address 02:cf:f8:00:06:00 index 24576 netns nslab-vrf-lite.blue2

# stage configure (58)
ip netns exec nslab-vrf-lite.pe1 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-vrf-lite.pe1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec nslab-vrf-lite.pe2 sysctl -qw net.ipv4.ip_forward=1
ip netns exec nslab-vrf-lite.pe2 sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n nslab-vrf-lite.pe1 link set dev lo up
ip -n nslab-vrf-lite.pe1 link add name red type vrf table 1001
ip -n nslab-vrf-lite.pe1 link set dev red up
ip -n nslab-vrf-lite.pe1 link set dev eth0 master red
ip -n nslab-vrf-lite.pe1 link set dev eth2 master red
ip -n nslab-vrf-lite.pe1 link add name blue type vrf table 1002
ip -n nslab-vrf-lite.pe1 link set dev blue up
ip -n nslab-vrf-lite.pe1 link set dev eth1 master blue
ip -n nslab-vrf-lite.pe1 link set dev eth3 master blue
ip -n nslab-vrf-lite.pe1 link set dev eth0 up
ip -n nslab-vrf-lite.pe1 addr add 10.12.0.1/30 dev eth0
ip -n nslab-vrf-lite.pe1 link set dev eth1 up
ip -n nslab-vrf-lite.pe1 addr add 10.12.0.1/30 dev eth1
ip -n nslab-vrf-lite.pe1 link set dev eth2 up
ip -n nslab-vrf-lite.pe1 addr add 10.1.0.1/24 dev eth2
ip -n nslab-vrf-lite.pe1 link set dev eth3 up
ip -n nslab-vrf-lite.pe1 addr add 10.1.0.1/24 dev eth3
ip -n nslab-vrf-lite.pe1 route add 10.2.0.0/24 via 10.12.0.2 vrf red
ip -n nslab-vrf-lite.pe1 route add 10.2.0.0/24 via 10.12.0.2 vrf blue
ip -n nslab-vrf-lite.pe2 link set dev lo up
ip -n nslab-vrf-lite.pe2 link add name red type vrf table 1001
ip -n nslab-vrf-lite.pe2 link set dev red up
ip -n nslab-vrf-lite.pe2 link set dev eth0 master red
ip -n nslab-vrf-lite.pe2 link set dev eth2 master red
ip -n nslab-vrf-lite.pe2 link add name blue type vrf table 1002
ip -n nslab-vrf-lite.pe2 link set dev blue up
ip -n nslab-vrf-lite.pe2 link set dev eth1 master blue
ip -n nslab-vrf-lite.pe2 link set dev eth3 master blue
ip -n nslab-vrf-lite.pe2 link set dev eth0 up
ip -n nslab-vrf-lite.pe2 addr add 10.12.0.2/30 dev eth0
ip -n nslab-vrf-lite.pe2 link set dev eth1 up
ip -n nslab-vrf-lite.pe2 addr add 10.12.0.2/30 dev eth1
ip -n nslab-vrf-lite.pe2 link set dev eth2 up
ip -n nslab-vrf-lite.pe2 addr add 10.2.0.1/24 dev eth2
ip -n nslab-vrf-lite.pe2 link set dev eth3 up
ip -n nslab-vrf-lite.pe2 addr add 10.2.0.1/24 dev eth3
ip -n nslab-vrf-lite.pe2 route add 10.1.0.0/24 via 10.12.0.1 vrf red
ip -n nslab-vrf-lite.pe2 route add 10.1.0.0/24 via 10.12.0.1 vrf blue
ip -n nslab-vrf-lite.red1 link set dev lo up
ip -n nslab-vrf-lite.red1 link set dev eth0 up
ip -n nslab-vrf-lite.red1 addr add 10.1.0.10/24 dev eth0
ip -n nslab-vrf-lite.red1 route add 0.0.0.0/0 via 10.1.0.1
ip -n nslab-vrf-lite.blue1 link set dev lo up
ip -n nslab-vrf-lite.blue1 link set dev eth0 up
ip -n nslab-vrf-lite.blue1 addr add 10.1.0.10/24 dev eth0
ip -n nslab-vrf-lite.blue1 route add 0.0.0.0/0 via 10.1.0.1
ip -n nslab-vrf-lite.red2 link set dev lo up
ip -n nslab-vrf-lite.red2 link set dev eth0 up
ip -n nslab-vrf-lite.red2 addr add 10.2.0.10/24 dev eth0
ip -n nslab-vrf-lite.red2 route add 0.0.0.0/0 via 10.2.0.1
ip -n nslab-vrf-lite.blue2 link set dev lo up
ip -n nslab-vrf-lite.blue2 link set dev eth0 up
ip -n nslab-vrf-lite.blue2 addr add 10.2.0.10/24 dev eth0
ip -n nslab-vrf-lite.blue2 route add 0.0.0.0/0 via 10.2.0.1

# stage services (2)
mkdir -p "$LAB_DIR"/lab  # /etc/hosts of lab vrf-lite
cat > "$LAB_DIR"/lab/hosts <<'NSLAB_EOF'
# lab 'vrf-lite', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.12.0.1	pe1 pe1-eth0
10.12.0.1	pe1 pe1-eth1
10.1.0.1	pe1 pe1-eth2
10.1.0.1	pe1 pe1-eth3
10.12.0.2	pe2 pe2-eth0
10.12.0.2	pe2 pe2-eth1
10.2.0.1	pe2 pe2-eth2
10.2.0.1	pe2 pe2-eth3
10.1.0.10	red1 red1-eth0
10.1.0.10	blue1 blue1-eth0
10.2.0.10	red2 red2-eth0
10.2.0.10	blue2 blue2-eth0
NSLAB_EOF
mkdir -p "$LAB_DIR"/lab  # /etc/gai.conf of lab vrf-lite
cat > "$LAB_DIR"/lab/gai.conf <<'NSLAB_EOF'
# lab 'vrf-lite', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.
precedence ::1/128       50
precedence ::/0          40
precedence 2002::/16     30
precedence ::/96         20
precedence ::ffff:0:0/96 100
NSLAB_EOF

`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > corrupt 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 1000 corrupt 0.1%
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 1000 corrupt 0.1%
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > delay 1`] = `
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 33026 delay 20ms
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 33026 delay 20ms
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > duplicate 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 1000 duplicate 2%
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 1000 duplicate 2%
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > gilbertElliott 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 1000 loss gemodel 1% 20% 70% 0.1%
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 1000 loss gemodel 1% 20% 70% 0.1%
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > jitter 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 41282 delay 20ms 5ms 25% distribution normal
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 41282 delay 20ms 5ms 25% distribution normal
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > limit 1`] = `
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 500 delay 10ms
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 500 delay 10ms
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > loss 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 1000 loss random 1%
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 1000 loss random 1%
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > lossCorrelated 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 1000 loss random 5% 25%
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 1000 loss random 5% 25%
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > perDirection 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 1: htb default 1
tc -n nslab-s.a class replace dev eth0 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028
tc -n nslab-s.a qdisc replace dev eth0 parent 1:1 handle 10: netem limit 1000 delay 40ms
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 1: htb default 1
tc -n nslab-s.b class replace dev eth0 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > rate 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 1: htb default 1
tc -n nslab-s.a class replace dev eth0 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 1: htb default 1
tc -n nslab-s.b class replace dev eth0 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > rateAndNetem 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 1: htb default 1
tc -n nslab-s.a class replace dev eth0 parent 1: classid 1:1 htb rate 100mbit ceil 100mbit quantum 1514 burst 12500 cburst 12500
tc -n nslab-s.a qdisc replace dev eth0 parent 1:1 handle 10: netem limit 1000 delay 50ms loss random 0.5%
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 1: htb default 1
tc -n nslab-s.b class replace dev eth0 parent 1: classid 1:1 htb rate 100mbit ceil 100mbit quantum 1514 burst 12500 cburst 12500
tc -n nslab-s.b qdisc replace dev eth0 parent 1:1 handle 10: netem limit 1000 delay 50ms loss random 0.5%
`

exports[`test/unit/plan.test.ts > TAP > tc commands for every impairment key > reorder 1`] = `
ip -n nslab-s.a link set dev eth0 gso_max_segs 1
tc -n nslab-s.a qdisc replace dev eth0 root handle 10: netem limit 16513 delay 10ms reorder 25% 50% gap 5
ip -n nslab-s.b link set dev eth0 gso_max_segs 1
tc -n nslab-s.b qdisc replace dev eth0 root handle 10: netem limit 16513 delay 10ms reorder 25% 50% gap 5
`
