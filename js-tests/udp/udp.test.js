// wx.createUDPSocket (spec section 9) on loopback: the device is 127.0.0.1 in 127.0.0.0/8, so
// 127.0.0.2 is a LAN peer; the testkit echo server listens there, and `udp.wxrun.test:9000` is
// an udpdomain entry routed to it by connectTo.
const { env } = require('wxrun');
const { text, waitFor } = require('../helpers/net');

const ECHO_PORT = Number(env.WXRUN_TESTKIT_UDP.split(':')[1]);
const PEER = '127.0.0.2';

// A socket that records its events, with a promise of the next message, and `close()`, which
// resolves once onClose has fired: every event caused before the close (the errors of calls
// made before it included) arrives before onClose, so it is the point to check what came.
function recorded(type) {
  const socket = wx.createUDPSocket(type);
  const events = { listening: 0, messages: [], errors: [], closed: 0 };
  socket.onListening(() => events.listening++);
  socket.onMessage((m) => events.messages.push(m));
  socket.onError((e) => events.errors.push(e.errMsg));
  socket.onClose(() => events.closed++);
  const next = () => {
    const seen = events.messages.length;
    return waitFor(() => events.messages.length > seen, 3000).then(() => events.messages[seen]);
  };
  const close = () => {
    const closed = new Promise((resolve) => socket.onClose(resolve));
    socket.close();
    return closed;
  };
  return { socket, events, next, close };
}

function bytes(...values) {
  return new Uint8Array(values).buffer;
}

test('bind returns the bound port and onListening follows', async () => {
  const { socket, events } = recorded();
  const port = socket.bind();
  expect(typeof port).toBe('number');
  expect(port).toBeGreaterThan(0);
  await waitFor(() => events.listening === 1, 1000);
  expect(() => socket.bind()).toThrow('bind:fail the socket is already bound');
  socket.close();
  await waitFor(() => events.closed === 1, 1000);
  expect(() => socket.bind()).toThrow('bind:fail the socket is closed');
});

test('bind(port) binds that port; a port in use throws', async () => {
  const first = wx.createUDPSocket();
  const port = first.bind();
  const second = wx.createUDPSocket();
  expect(() => second.bind(port)).toThrow(/^bind:fail .*in use/i);
  expect(() => wx.createUDPSocket().bind(70000)).toThrow('bind:fail invalid port 70000');
  const closed = new Promise((resolve) => first.onClose(resolve));
  first.close();
  await closed;
  const third = wx.createUDPSocket();
  expect(third.bind(port)).toBe(port);
  third.close();
  second.close();
});

test('a string round trip: message is an ArrayBuffer, with remoteInfo and localInfo', async () => {
  const { socket, events, next } = recorded();
  const port = socket.bind();
  socket.send({ address: PEER, port: ECHO_PORT, message: 'hello, LAN' });
  const m = await next();
  expect(m.message).toBeInstanceOf(ArrayBuffer);
  expect(text(m.message)).toBe('hello, LAN');
  expect(m.remoteInfo).toEqual({ address: PEER, family: 'IPv4', port: ECHO_PORT, size: 10 });
  expect(m.localInfo).toEqual({ address: '127.0.0.1', family: 'IPv4', port });
  expect(events.errors).toEqual([]);
  socket.close();
});

test('ArrayBuffer messages honour offset and length; typed arrays send their view', async () => {
  const { socket, events, next } = recorded();
  socket.bind();
  socket.send({ address: PEER, port: ECHO_PORT, message: bytes(1, 2, 3, 4, 5), offset: 1, length: 3 });
  expect([...new Uint8Array((await next()).message)]).toEqual([2, 3, 4]);
  socket.send({ address: PEER, port: ECHO_PORT, message: bytes(1, 2, 3, 4, 5), offset: 3 });
  expect([...new Uint8Array((await next()).message)]).toEqual([4, 5]);
  socket.send({ address: PEER, port: ECHO_PORT, message: new Uint8Array([9, 8, 7, 6]).subarray(1, 3) });
  expect([...new Uint8Array((await next()).message)]).toEqual([8, 7]);
  socket.send({ address: PEER, port: ECHO_PORT, message: bytes(1, 2), offset: 1, length: 5 });
  await waitFor(() => events.errors.length === 1, 1000);
  expect(events.errors).toEqual(['send:fail offset and length must lie within the message']);
  socket.close();
});

test('two wxrun sockets talk to each other through the LAN peer address', async () => {
  const a = recorded();
  const b = recorded();
  const portA = a.socket.bind();
  const portB = b.socket.bind();
  a.socket.send({ address: PEER, port: portB, message: 'ping' });
  const got = await b.next();
  expect(text(got.message)).toBe('ping');
  expect(got.remoteInfo.port).toBe(portA);
  b.socket.send({ address: PEER, port: got.remoteInfo.port, message: 'pong' });
  expect(text((await a.next()).message)).toBe('pong');
  a.socket.close();
  b.socket.close();
});

test('send binds an unbound socket first', async () => {
  const { socket, events, next } = recorded();
  socket.send({ address: PEER, port: ECHO_PORT, message: 'auto' });
  expect(text((await next()).message)).toBe('auto');
  expect(events.listening).toBe(1);
  socket.close();
});

test('connect + write send to the connected address; write before connect is an error', async () => {
  const { socket, events, next } = recorded();
  socket.bind();
  socket.write({ message: 'too early' });
  await waitFor(() => events.errors.length === 1, 1000);
  expect(events.errors).toEqual(['write:fail the socket is not connected; call connect first']);
  socket.connect({ address: PEER, port: ECHO_PORT });
  socket.write({ message: 'connected' });
  expect(text((await next()).message)).toBe('connected');
  socket.write({ message: bytes(7, 7, 7), offset: 2, length: 1 });
  expect([...new Uint8Array((await next()).message)]).toEqual([7]);
  socket.connect({ address: '127.0.0.1', port: ECHO_PORT });
  expect(events.errors).toHaveLength(1);
  await waitFor(() => events.errors.length === 2, 1000);
  expect(events.errors[1]).toBe('connect:fail url not in domain list (127.0.0.1:' + ECHO_PORT + ')');
  socket.close();
});

test('onError is never called inside the call that caused it', async () => {
  const { socket, events, close } = recorded();
  const errorsNow = () => events.errors.length;
  const during = [];
  socket.setTTL(64);
  during.push(errorsNow());
  socket.bind();
  socket.setTTL(300);
  during.push(errorsNow());
  socket.connect({ address: '10.0.0.1', port: 9 });
  during.push(errorsNow());
  socket.send({ address: PEER, port: ECHO_PORT, message: 42 });
  during.push(errorsNow());
  socket.write({ message: 'not connected' });
  during.push(errorsNow());
  expect(during).toEqual([0, 0, 0, 0, 0]);
  await close();
  expect(events.errors).toEqual([
    'setTTL:fail the socket is not bound',
    'setTTL:fail ttl must be an integer from 0 to 255',
    'connect:fail url not in domain list (10.0.0.1:9)',
    'send:fail parameter error: message should be String or ArrayBuffer',
    'write:fail the socket is not connected; call connect first',
  ]);
});

test('the address rule: the device itself, other networks, IPv6 and the banned host go to onError', async () => {
  const { socket, events, close } = recorded();
  socket.bind();
  socket.send({ address: '127.0.0.1', port: ECHO_PORT, message: 'to myself' });
  socket.send({ address: '10.1.2.3', port: 9, message: 'off the LAN' });
  socket.send({ address: '::1', port: 9, message: 'v6' });
  socket.send({ address: 'example.com', port: 9, message: 'not listed' });
  socket.send({ address: 'http://127.0.0.2/', port: 9, message: 'a URL' });
  // The testkit routes this name to its echo server: a sentinel, were the ban broken.
  socket.send({ address: 'api.weixin.qq.com', port: 9000, message: 'banned' });
  await close();
  expect(events.errors).toEqual([
    'send:fail url not in domain list (127.0.0.1:' + ECHO_PORT + ')',
    'send:fail url not in domain list (10.1.2.3:9)',
    'send:fail url not in domain list (::1:9)',
    'send:fail url not in domain list (example.com:9)',
    'send:fail invalid address "http://127.0.0.2/"',
    'send:fail url not in domain list (api.weixin.qq.com:9000)',
  ]);
  expect(events.messages).toEqual([]);
});

test('an udpdomain host is allowed, routed like any other host', async () => {
  const { socket, events, next } = recorded();
  socket.bind();
  socket.send({ address: 'UDP.wxrun.test', port: 9000, message: 'by name' });
  const m = await next();
  expect(text(m.message)).toBe('by name');
  expect(m.remoteInfo.address).toBe(PEER);
  expect(events.errors).toEqual([]);
  socket.close();
});

test('broadcast needs setBroadcast: true', async () => {
  const { socket, events, close } = recorded();
  const port = socket.bind();
  socket.send({ address: '255.255.255.255', port, message: 'everyone' });
  socket.send({ address: '127.255.255.255', port, message: 'the subnet' });
  await close();
  expect(events.errors).toEqual([
    'send:fail broadcast needs setBroadcast: true (255.255.255.255:' + port + ')',
    'send:fail broadcast needs setBroadcast: true (127.255.255.255:' + port + ')',
  ]);
});

test('malformed options go to onError and send nothing', async () => {
  const { socket, events, next, close } = recorded();
  socket.bind();
  socket.send({ port: ECHO_PORT, message: 'no address' });
  socket.send({ address: PEER, port: String(ECHO_PORT), message: 'port as a string' });
  socket.send({ address: PEER, port: ECHO_PORT, message: 42 });
  socket.send();
  // The echo server answers in order: were anything above sent, its echo would come first.
  socket.send({ address: PEER, port: ECHO_PORT, message: 'marker' });
  expect(text((await next()).message)).toBe('marker');
  await close();
  expect(events.messages).toHaveLength(1);
  expect(events.errors).toEqual([
    'send:fail parameter error: address should be a String and port a Number',
    'send:fail parameter error: address should be a String and port a Number',
    'send:fail parameter error: message should be String or ArrayBuffer',
    'send:fail parameter error: address should be a String and port a Number',
  ]);
});

test('setTTL accepts 0..255 and reports anything else', async () => {
  const { socket, events, next, close } = recorded();
  socket.setTTL(64);
  socket.bind();
  socket.setTTL(1);
  socket.setTTL(255);
  socket.setTTL(256);
  socket.setTTL(-1);
  socket.setTTL('64');
  socket.send({ address: PEER, port: ECHO_PORT, message: 'ttl 255' });
  expect(text((await next()).message)).toBe('ttl 255');
  await close();
  expect(events.errors).toEqual([
    'setTTL:fail the socket is not bound',
    'setTTL:fail ttl must be an integer from 0 to 255',
    'setTTL:fail ttl must be an integer from 0 to 255',
    'setTTL:fail ttl must be an integer from 0 to 255',
  ]);
});

test('close fires onClose once; later calls report onError', async () => {
  const { socket, events } = recorded();
  socket.bind();
  socket.close();
  socket.close();
  await waitFor(() => events.closed === 1, 1000);
  socket.send({ address: PEER, port: ECHO_PORT, message: 'late' });
  socket.write({ message: 'late' });
  socket.close();
  await waitFor(() => events.errors.length === 2, 1000);
  expect(events.closed).toBe(1);
  expect(events.errors).toEqual(['send:fail the socket is closed', 'write:fail the socket is closed']);
});

test('closing a socket that was never bound still fires onClose', async () => {
  const { socket, events } = recorded();
  socket.close();
  await waitFor(() => events.closed === 1, 1000);
});

test('off pairs remove one listener, or all of them without an argument', async () => {
  const socket = wx.createUDPSocket();
  const seen = [];
  const first = () => seen.push('first');
  const second = () => seen.push('second');
  socket.onMessage(first);
  socket.onMessage(second);
  socket.offMessage(first);
  socket.onListening(() => seen.push('listening'));
  socket.offListening();
  // Listeners added after an off still hear the event: they tell when it has happened.
  const listening = new Promise((resolve) => socket.onListening(resolve));
  let got = new Promise((resolve) => socket.onMessage(resolve));
  socket.bind();
  await listening;
  socket.send({ address: PEER, port: ECHO_PORT, message: 'x' });
  await got;
  expect(seen).toEqual(['second']);
  socket.offMessage();
  got = new Promise((resolve) => socket.onMessage(resolve));
  socket.send({ address: PEER, port: ECHO_PORT, message: 'y' });
  await got;
  expect(seen).toEqual(['second']);
  const errors = [];
  const onError = (e) => errors.push(e.errMsg);
  socket.onError(onError);
  socket.onError(onError);
  socket.offError(onError);
  const heard = new Promise((resolve) => socket.onError((e) => resolve(e.errMsg)));
  socket.send({ address: '10.0.0.1', port: 1, message: 'unheard' });
  expect(await heard).toBe('send:fail url not in domain list (10.0.0.1:1)');
  let closed = 0;
  const onClose = () => closed++;
  socket.onClose(onClose);
  socket.offClose(onClose);
  const closedNow = new Promise((resolve) => socket.onClose(resolve));
  socket.close();
  await closedNow;
  expect(errors).toEqual([]);
  expect(closed).toBe(0);
});

test('udp6 sockets bind on IPv6; IPv6 peers are not on the LAN', async () => {
  const { socket, events, close } = recorded('udp6');
  const port = socket.bind();
  expect(port).toBeGreaterThan(0);
  socket.setTTL(8);
  socket.send({ address: '::1', port: ECHO_PORT, message: 'v6' });
  await close();
  expect(events.errors).toEqual(['send:fail url not in domain list (::1:' + ECHO_PORT + ')']);
});
