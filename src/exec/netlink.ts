// rtnetlink encoding for the batch lines the plan emits most: `link set`, `link add … type bridge`, `addr add` and
// `route add`. The relay (relay.ts) sends these messages from inside each namespace, so a lab's per-namespace
// configuration costs no process per namespace. Encoding is pure; a line this file does not understand returns null
// and its namespace is configured by iproute2 as before.
//
// Each message mirrors what iproute2 6.x sends for the same line (checked against `ip` with strace -e sendmsg -X raw):
// same message type, flags, header fields and attributes, so the kernel takes the same paths.

import { endianness } from 'node:os';
import { parseAddress, parseCidr, type Family } from '../model/index.js';

/** A message ready to send, plus the interface names whose ifindex the relay writes at `offset` (u32) first. */
export interface NetlinkRequest {
  bytes: Uint8Array;
  ifindexAt: { offset: number; ifname: string }[];
}

const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;
const RTM_NEWNEIGH = 28;
const NLM_F_REPLACE = 0x100;
const NDA_DST = 1;
const NDA_LLADDR = 2;
const NUD_PERMANENT = 0x80;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_UNSPEC = 0;
const IFF_UP = 0x1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_IFALIAS = 20;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_AF_SPEC = 26;
const IFLA_INET6_ADDR_GEN_MODE = 8;
const IFLA_BR_FORWARD_DELAY = 1;
const IFLA_BR_STP_STATE = 5;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_F_NODAD = 0x02;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PRIORITY = 6;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_LINK = 253;
const RTN_UNICAST = 1;
const RTNH_F_ONLINK = 4;
const ADDR_GEN_MODES: Record<string, number> = { eui64: 0, none: 1, stable_secret: 2, random: 3 };
const IFNAMSIZ = 16;

/** Builds one message: a fixed header, then attributes (nested ones through `nest`), each padded to 4 bytes. */
class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  len = 0;
  readonly ifindexAt: { offset: number; ifname: string }[] = [];
  constructor(private readonly le: boolean) {}

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    bigger.set(this.buf);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.view.setUint8(this.len, v);
    this.len += 1;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.view.setUint16(this.len, v, this.le);
    this.len += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.len, v >>> 0, this.le);
    this.len += 4;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  pad(): this {
    while (this.len % 4) this.u8(0);
    return this;
  }
  /** An attribute whose payload `body` writes; its length is patched in afterwards (so nesting works). */
  attr(type: number, body: (w: this) => void): this {
    const start = this.len;
    this.u16(0).u16(type);
    body(this);
    this.view.setUint16(start, this.len - start, this.le);
    return this.pad();
  }
  attrU32(type: number, v: number): this {
    return this.attr(type, (w) => w.u32(v));
  }
  /** A u32 attribute holding the ifindex of `ifname` in the namespace the message is sent in (filled by the relay). */
  attrIfindex(type: number, ifname: string): this {
    return this.attr(type, (w) => {
      w.ifindexAt.push({ offset: w.len, ifname });
      w.u32(0);
    });
  }
  attrString(type: number, s: string, nul = true): this {
    return this.attr(type, (w) => w.bytes(new TextEncoder().encode(nul ? `${s}\0` : s)));
  }
  done(): NetlinkRequest {
    this.view.setUint32(0, this.len, this.le);
    return { bytes: this.buf.slice(0, this.len), ifindexAt: this.ifindexAt };
  }
}

function header(w: Writer, type: number, flags: number): void {
  // nlmsghdr: length (patched by done()), type, flags, sequence (set by the relay), port id 0 (the kernel).
  w.u32(0).u16(type).u16(NLM_F_REQUEST | NLM_F_ACK | flags).u32(0).u32(0);
}

function ifinfo(w: Writer, flags: number, change: number): void {
  // ifinfomsg: family, pad, type, index 0 (the device is named by IFLA_IFNAME instead), flags, change mask.
  w.u8(AF_UNSPEC).u8(0).u16(0).u32(0).u32(flags).u32(change);
}

const isIfname = (s: string | undefined): s is string => s !== undefined && s.length > 0 && s.length < IFNAMSIZ && !/[\s/:]/.test(s);
const uint = (s: string | undefined): number | undefined => (s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : undefined);

function addressBytes(family: Family, address: bigint): Uint8Array {
  const n = family === 4 ? 4 : 16;
  const out = new Uint8Array(n);
  for (let i = n - 1, a = address; i >= 0; i--, a >>= 8n) out[i] = Number(a & 0xffn);
  return out;
}

/** `link set dev NAME [up|down] [mtu N] [master M|nomaster] [addrgenmode MODE] [alias TEXT]` */
function linkSet(args: string[], le: boolean): NetlinkRequest | null {
  const name = args[3];
  if (!isIfname(name)) return null;
  let flags = 0;
  let change = 0;
  let mtu: number | undefined;
  let master: string | undefined;
  let genMode: number | undefined;
  let alias: string | undefined;
  for (let i = 4; i < args.length; i++) {
    const t = args[i];
    if (t === 'up' || t === 'down') {
      change = IFF_UP;
      flags = t === 'up' ? IFF_UP : 0;
    } else if (t === 'mtu' && uint(args[i + 1]) !== undefined) mtu = uint(args[++i]);
    else if (t === 'master' && isIfname(args[i + 1])) master = args[++i];
    else if (t === 'nomaster') master = '';
    else if (t === 'addrgenmode' && args[i + 1] in ADDR_GEN_MODES) genMode = ADDR_GEN_MODES[args[++i]];
    else if (t === 'alias' && args[i + 1] !== undefined && Buffer.byteLength(args[i + 1]) < 256) alias = args[++i];
    else return null;
  }
  const w = new Writer(le);
  header(w, RTM_NEWLINK, 0);
  ifinfo(w, flags, change);
  w.attrString(IFLA_IFNAME, name);
  if (mtu !== undefined) w.attrU32(IFLA_MTU, mtu);
  if (master) w.attrIfindex(IFLA_MASTER, master);
  else if (master === '') w.attrU32(IFLA_MASTER, 0);
  if (genMode !== undefined) w.attr(IFLA_AF_SPEC, (a) => a.attr(AF_INET6, (b) => b.attr(IFLA_INET6_ADDR_GEN_MODE, (c) => c.u8(genMode))));
  // iproute2 sends the alias without its NUL (the kernel takes the attribute's length; IFALIASZ is 256).
  if (alias !== undefined) w.attrString(IFLA_IFALIAS, alias, false);
  return w.done();
}

/** `link add name NAME type bridge [stp_state N] [forward_delay N]` */
function bridgeAdd(args: string[], le: boolean): NetlinkRequest | null {
  const name = args[3];
  if (!isIfname(name) || args[4] !== 'type' || args[5] !== 'bridge') return null;
  const data: [number, number][] = [];
  for (let i = 6; i < args.length; i += 2) {
    const v = uint(args[i + 1]);
    if (v === undefined) return null;
    if (args[i] === 'stp_state') data.push([IFLA_BR_STP_STATE, v]);
    // centiseconds, as iproute2 passes them; the kernel converts (clock_t to jiffies)
    else if (args[i] === 'forward_delay') data.push([IFLA_BR_FORWARD_DELAY, v]);
    else return null;
  }
  const w = new Writer(le);
  header(w, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  ifinfo(w, 0, 0);
  w.attrString(IFLA_IFNAME, name);
  w.attr(IFLA_LINKINFO, (li) => {
    li.attrString(IFLA_INFO_KIND, 'bridge', false);
    if (data.length) li.attr(IFLA_INFO_DATA, (d) => data.forEach(([t, v]) => d.attrU32(t, v)));
  });
  return w.done();
}

/** `addr add CIDR dev NAME [nodad]` */
function addrAdd(args: string[], le: boolean): NetlinkRequest | null {
  const c = parseCidr(args[2] ?? '');
  if (!c || args[3] !== 'dev' || !isIfname(args[4])) return null;
  const nodad = args[5] === 'nodad';
  if (args.length > (nodad ? 6 : 5)) return null;
  if (nodad && c.family !== 6) return null;
  const w = new Writer(le);
  header(w, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  // ifaddrmsg: family, prefix length, flags, scope (universe: the kernel derives v6 scopes; iproute2 sends host only
  // for 127/8), ifindex.
  w.u8(c.family === 4 ? AF_INET : AF_INET6).u8(c.prefixLen).u8(nodad ? IFA_F_NODAD : 0).u8(0);
  w.ifindexAt.push({ offset: w.len, ifname: args[4] });
  w.u32(0);
  const a = addressBytes(c.family, c.address);
  w.attr(IFA_LOCAL, (x) => x.bytes(a));
  w.attr(IFA_ADDRESS, (x) => x.bytes(a));
  return w.done();
}

/** `route add TO [via GW] [dev NAME] [metric N] [onlink]`, TO a prefix (the plan spells `default` as 0.0.0.0/0 or ::/0). */
function routeAdd(args: string[], le: boolean): NetlinkRequest | null {
  const to = parseCidr(args[2] ?? '');
  if (!to) return null;
  let via: { family: Family; address: bigint } | undefined;
  let dev: string | undefined;
  let metric: number | undefined;
  let onlink = false;
  for (let i = 3; i < args.length; i++) {
    const t = args[i];
    if (t === 'via' && args[i + 1]) {
      via = parseAddress(args[++i]);
      if (!via || via.family !== to.family) return null;
    } else if (t === 'dev' && isIfname(args[i + 1])) dev = args[++i];
    else if (t === 'metric' && uint(args[i + 1]) !== undefined) metric = uint(args[++i]);
    else if (t === 'onlink') onlink = true;
    else return null;
  }
  if (!via && !dev) return null;
  const w = new Writer(le);
  header(w, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  // rtmsg: family, dst len, src len, tos, table, protocol (boot, as iproute2), scope (link when there is no gateway),
  // type, flags.
  w.u8(to.family === 4 ? AF_INET : AF_INET6).u8(to.prefixLen).u8(0).u8(0).u8(RT_TABLE_MAIN).u8(RTPROT_BOOT);
  w.u8(via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK).u8(RTN_UNICAST).u32(onlink ? RTNH_F_ONLINK : 0);
  w.attr(RTA_DST, (x) => x.bytes(addressBytes(to.family, to.address))); // iproute2 sends it for /0 too
  if (via) w.attr(RTA_GATEWAY, (x) => x.bytes(addressBytes(via.family, via.address)));
  if (dev) w.attrIfindex(RTA_OIF, dev);
  if (metric !== undefined) w.attrU32(RTA_PRIORITY, metric);
  return w.done();
}

/** `neigh replace ADDR lladdr MAC dev NAME nud permanent` (static ARP/ND, features/mac), as iproute2 sends it. */
function neighReplace(args: string[], le: boolean): NetlinkRequest | null {
  const dst = parseAddress(args[2] ?? '');
  const mac = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(args[4] ?? '') ? args[4] : undefined;
  if (!dst || args[3] !== 'lladdr' || !mac || args[5] !== 'dev' || !isIfname(args[6]) || args[7] !== 'nud' || args[8] !== 'permanent' || args.length !== 9) return null;
  const w = new Writer(le);
  header(w, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE);
  // ndmsg: family, two pad fields, ifindex, state, flags, type.
  w.u8(dst.family === 4 ? AF_INET : AF_INET6).u8(0).u16(0);
  w.ifindexAt.push({ offset: w.len, ifname: args[6] });
  w.u32(0).u16(NUD_PERMANENT).u8(0).u8(0);
  w.attr(NDA_DST, (x) => x.bytes(addressBytes(dst.family, dst.address)));
  w.attr(NDA_LLADDR, (x) => x.bytes(Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)))));
  return w.done();
}

/** RTM_GETLINK for one device by name: the relay reads the loopback's alias (the ownership tag) from the reply. */
export function encodeGetLink(ifname: string, le = endianness() === 'LE'): Uint8Array {
  const w = new Writer(le);
  header(w, RTM_GETLINK, 0);
  ifinfo(w, 0, 0);
  w.attrString(IFLA_IFNAME, ifname);
  return w.done().bytes;
}

/** The message for one `ip` batch line, or null when the line is not one this encoder speaks. */
export function encodeIpLine(args: string[], le = endianness() === 'LE'): NetlinkRequest | null {
  const [obj, verb] = args;
  if (obj === 'link' && verb === 'set' && args[2] === 'dev') return linkSet(args, le);
  if (obj === 'link' && verb === 'add' && args[2] === 'name') return bridgeAdd(args, le);
  if (obj === 'addr' && verb === 'add') return addrAdd(args, le);
  if (obj === 'route' && verb === 'add') return routeAdd(args, le);
  if (obj === 'neigh' && verb === 'replace') return neighReplace(args, le);
  return null;
}
