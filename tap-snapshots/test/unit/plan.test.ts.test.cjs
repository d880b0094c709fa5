/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/unit/plan.test.ts > TAP > plan for dumbbell.yaml > commands 1`] = `
# plan for lab 'dumbbell': 8 namespaces, 109 operations

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
ip link add name eth0 netns nslab-dumbbell.h1 type veth peer name eth0 netns nslab-dumbbell.s1
ip link add name eth0 netns nslab-dumbbell.h2 type veth peer name eth1 netns nslab-dumbbell.s1
ip link add name eth2 netns nslab-dumbbell.s1 type veth peer name eth0 netns nslab-dumbbell.r1
ip link add name eth1 netns nslab-dumbbell.r1 type veth peer name eth0 netns nslab-dumbbell.r2
ip link add name eth1 netns nslab-dumbbell.r2 type veth peer name eth0 netns nslab-dumbbell.s2
ip link add name eth0 netns nslab-dumbbell.h3 type veth peer name eth1 netns nslab-dumbbell.s2
ip link add name eth0 netns nslab-dumbbell.h4 type veth peer name eth2 netns nslab-dumbbell.s2

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

`

exports[`test/unit/plan.test.ts > TAP > plan for lan-router-lan.yaml > commands 1`] = `
# plan for lab 'lrl': 7 namespaces, 84 operations

# stage namespaces (7)
ip netns add nslab-lrl.r1
ip netns add nslab-lrl.s1
ip netns add nslab-lrl.s2
ip netns add nslab-lrl.h1
ip netns add nslab-lrl.h2
ip netns add nslab-lrl.h3
ip netns add nslab-lrl.h4

# stage links (6)
ip link add name eth0 netns nslab-lrl.h1 type veth peer name eth0 netns nslab-lrl.s1
ip link add name eth0 netns nslab-lrl.h2 type veth peer name eth1 netns nslab-lrl.s1
ip link add name eth2 netns nslab-lrl.s1 type veth peer name eth0 netns nslab-lrl.r1
ip link add name eth1 netns nslab-lrl.r1 type veth peer name eth0 netns nslab-lrl.s2
ip link add name eth0 netns nslab-lrl.h3 type veth peer name eth1 netns nslab-lrl.s2
ip link add name eth0 netns nslab-lrl.h4 type veth peer name eth2 netns nslab-lrl.s2

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

`

exports[`test/unit/plan.test.ts > TAP > plan for router-chain.yaml > commands 1`] = `
# plan for lab 'chain': 5 namespaces, 76 operations

# stage namespaces (5)
ip netns add nslab-chain.h1
ip netns add nslab-chain.r1
ip netns add nslab-chain.r2
ip netns add nslab-chain.r3
ip netns add nslab-chain.h2

# stage links (4)
ip link add name eth0 netns nslab-chain.h1 type veth peer name eth0 netns nslab-chain.r1
ip link add name eth1 netns nslab-chain.r1 type veth peer name eth0 netns nslab-chain.r2
ip link add name eth1 mtu 9000 netns nslab-chain.r2 type veth peer name eth0 mtu 9000 netns nslab-chain.r3
ip link add name eth1 netns nslab-chain.r3 type veth peer name eth0 netns nslab-chain.h2

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

`

exports[`test/unit/plan.test.ts > TAP > plan for star.yaml > commands 1`] = `
# plan for lab 'star': 5 namespaces, 48 operations

# stage namespaces (5)
ip netns add nslab-star.s1
ip netns add nslab-star.h1
ip netns add nslab-star.h2
ip netns add nslab-star.h3
ip netns add nslab-star.h4

# stage links (4)
ip link add name eth0 netns nslab-star.h1 type veth peer name eth0 netns nslab-star.s1
ip link add name eth0 netns nslab-star.h2 type veth peer name eth1 netns nslab-star.s1
ip link add name eth0 netns nslab-star.h3 type veth peer name eth2 netns nslab-star.s1
ip link add name eth0 netns nslab-star.h4 type veth peer name eth3 netns nslab-star.s1

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

`

exports[`test/unit/plan.test.ts > TAP > plan for two-hosts.yaml > commands 1`] = `
# plan for lab 'two-hosts': 2 namespaces, 15 operations

# stage namespaces (2)
ip netns add nslab-two-hosts.h1
ip netns add nslab-two-hosts.h2

# stage links (1)
ip link add name eth0 netns nslab-two-hosts.h1 type veth peer name eth0 netns nslab-two-hosts.h2

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
