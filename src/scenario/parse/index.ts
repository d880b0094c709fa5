// scenario/parse/: turn the text that traffic tools print (iputils ping, iperf3 -J) into flat, unit-named results;
// pure functions of their input — they never run the tools, read files (beyond iperf3's schema) or touch the clock.
export { parsePing, percentile, type PingResult, type PingSample } from './ping.js';
export { parseIperf3, iperf3SchemaPath, type Iperf3Result, type Iperf3Interval } from './iperf3.js';
export { longestLossRun, outageMs } from './ping.js';
export { selectRoute, mapProtocol, type RouteInfo, type RouteHop, type RouteProtocol } from './route.js';
export { parseDumpFlows, type FlowEntry } from './ofctl.js';
