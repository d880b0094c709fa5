/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/unit/topology-errors.test.ts > TAP > schema problems are located and come with a fix, and do not hide the semantic ones > formatted 1`] = `
error E_INVALID_TOPOLOGY: test/fixtures/topologies/many-problems.yaml: 8 problems
  test/fixtures/topologies/many-problems.yaml:1:7: E_SCHEMA_PATTERN: "Office_Lab" is not in the expected form (at name)
      fix: Lab name: 1-12 characters of a-z, 0-9 and '-', starting with a letter or digit. Unique on the machine.
  test/fixtures/topologies/many-problems.yaml:4:15: E_SCHEMA_ENUM: "hots" is not one of "host", "router", "switch", "ovs" (at nodes.h2.kind)
      fix: did you mean 'host'?
  test/fixtures/topologies/many-problems.yaml:5:31: E_SCHEMA_ADDITIONALPROPERTIES: unknown key 'gatway' (at nodes.r1.gatway)
      fix: did you mean 'gateway'?
  test/fixtures/topologies/many-problems.yaml:12:10: E_UNKNOWN_NODE: link endpoint 'h9' is not a node of this lab (at links[3][1])
      fix: declare it under nodes: (known: h1, h2, r1, s1, s2)
  test/fixtures/topologies/many-problems.yaml:13:17: E_IFNAME_TOO_LONG: interface name 'averyveryverylongname' has 21 characters; the kernel allows 15 (IFNAMSIZ 16 including the NUL) (at links[4].endpoints[0])
      fix: shorten the interface name
  test/fixtures/topologies/many-problems.yaml:16:17: E_DUPLICATE_IFNAME: interface 'r1:eth5' is used by two links (first at links[5].endpoints[0]) (at links[6].endpoints[0])
      fix: give one of them another interface name, or leave the name out to get one assigned
  test/fixtures/topologies/many-problems.yaml:11:5: E_SWITCH_LOOP: this link closes a loop of switches (s2 … s1) with STP off: broadcasts would circulate forever (at links[2])
      fix: set stp: true on the switches in the loop, or remove the link
  test/fixtures/topologies/many-problems.yaml:15:25: E_ADDRESS_OUTSIDE_SEGMENT: 10.2.0.2/24 is not in 10.1.0.0/24, the subnet of the segment it is on (at links[5].ipv4[1])
      fix: use an address in 10.1.0.0/24 with the same prefix length, since both ends are on one L2 segment
`

exports[`test/unit/topology-errors.test.ts > TAP > semantic problems are all reported together > formatted 1`] = `
error E_INVALID_TOPOLOGY: test/fixtures/topologies/semantic-problems.yaml: 6 problems
  test/fixtures/topologies/semantic-problems.yaml:12:10: E_UNKNOWN_NODE: link endpoint 'h9' is not a node of this lab (at links[3][1])
      fix: declare it under nodes: (known: h1, h2, r1, s1, s2)
  test/fixtures/topologies/semantic-problems.yaml:13:17: E_IFNAME_TOO_LONG: interface name 'averyveryverylongname' has 21 characters; the kernel allows 15 (IFNAMSIZ 16 including the NUL) (at links[4].endpoints[0])
      fix: shorten the interface name
  test/fixtures/topologies/semantic-problems.yaml:16:17: E_DUPLICATE_IFNAME: interface 'r1:eth5' is used by two links (first at links[5].endpoints[0]) (at links[6].endpoints[0])
      fix: give one of them another interface name, or leave the name out to get one assigned
  test/fixtures/topologies/semantic-problems.yaml:11:5: E_SWITCH_LOOP: this link closes a loop of switches (s2 … s1) with STP off: broadcasts would circulate forever (at links[2])
      fix: set stp: true on the switches in the loop, or remove the link
  test/fixtures/topologies/semantic-problems.yaml:15:25: E_ADDRESS_OUTSIDE_SEGMENT: 10.2.0.2/24 is not in 10.1.0.0/24, the subnet of the segment it is on (at links[5].ipv4[1])
      fix: use an address in 10.1.0.0/24 with the same prefix length, since both ends are on one L2 segment
  test/fixtures/topologies/semantic-problems.yaml:18:12: E_OVERLAPPING_SUBNETS: 10.1.0.0/24 overlaps 10.1.0.0/24, which another segment uses (at links[7].ipv4[0])
      fix: give each link or LAN its own subnet
`
