// web/: the live web view of a running lab — a local HTTP/WebSocket server (token-gated, loopback by default) that
// draws the lab, streams its link figures, changes links through the library (Lab.setLink, Lab.impair) and opens
// terminals in its nodes; the layout, the gate and the rate arithmetic are pure and tested alone.
export { startWebView, type ScenarioView, type WebOptions, type WebView } from './server.js';
export { layoutGraph, type LayoutInput, type Point } from './layout.js';
export { allowedOrigins, gate, newToken, originAllowed, requestToken, tokenMatches, type GateVerdict } from './auth.js';
export { linkRates, viewModel, type FlowRate, type LinkRates, type ViewLink, type ViewModel, type ViewNode } from './model.js';
