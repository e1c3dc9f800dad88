// wx.createTCPSocket against the testkit's echo server on 127.0.0.2 (a LAN peer of the device
// 127.0.0.1/8): the round trip, the event payloads and order, close, and the listener pairs.
// At most 20 sockets per file: the platform's creation limit holds within a run.
const { takeWarnings } = require('wxrun');
const { text, waitFor, sleep } = require('../helpers/net');
const { PEER, ECHO, GREET, TCP_HOST, TCP_HOST_PORT, recorded } = require('../helpers/tcp');

const bytes = (...values) => new Uint8Array(values).buffer;

test('a string round trip: onConnect, then the echo as an ArrayBuffer with both ends', async () => {
  const { socket, next, errors } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  const connected = await next('connect');
  expect(connected.useHttpDNS).toBe(false);
  expect(connected.exception).toEqual({ reasons: [] });
  expect(connected.remoteInfo).toEqual({ address: PEER, family: 'IPv4', port: ECHO });
  expect(connected.localInfo.address).toBe('127.0.0.1');
  expect(connected.localInfo.family).toBe('IPv4');
  expect(connected.localInfo.port).toBeGreaterThan(0);
  socket.write('hello, LAN');
  const m = await next('message');
  expect(m.message).toBeInstanceOf(ArrayBuffer);
  expect(text(m.message)).toBe('hello, LAN');
  expect(m.remoteInfo).toEqual(connected.remoteInfo);
  expect(m.localInfo).toEqual(connected.localInfo);
  expect(errors()).toEqual([]);
  socket.close();
});

test('ArrayBuffers and typed arrays are written as bytes; UTF-8 text as UTF-8', async () => {
  const { socket, next, received, kinds } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  socket.write(bytes(104, 105));
  socket.write(new Uint8Array([0, 33, 63, 0]).subarray(1, 3));
  socket.write('é');
  await waitFor(() => received().length >= 6, 3000);
  expect([...received()].map((c) => c.charCodeAt(0))).toEqual([104, 105, 33, 63, 0xc3, 0xa9]);
  socket.close();
  await waitFor(() => kinds().includes('close'), 3000);
  expect(kinds().filter((k) => k === 'error')).toEqual([]);
});

test('event order: connect, message, close when the server says hello and hangs up', async () => {
  const { socket, kinds, received, closed } = recorded();
  socket.connect({ address: PEER, port: GREET });
  await closed();
  expect(kinds()).toEqual(['connect', 'message', 'close']);
  expect(received()).toBe('hello');
});

test('a tcpdomain host is reached by name (connectTo routes it to the echo server)', async () => {
  const { socket, next, errors } = recorded();
  socket.connect({ address: 'TCP.wxrun.test.', port: TCP_HOST_PORT });
  const connected = await next('connect');
  expect(connected.remoteInfo.address).toBe(PEER);
  socket.write('by name');
  expect(text((await next('message')).message)).toBe('by name');
  expect(errors()).toEqual([]);
  socket.close();
});

test('a megabyte goes out and comes back intact, in order', async () => {
  const { socket, next, events } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  const size = 1 << 20;
  const sent = new Uint8Array(size);
  for (let i = 0; i < size; i++) sent[i] = (i * 7 + (i >> 8)) & 0xff;
  for (let at = 0; at < size; at += 65536) socket.write(sent.slice(at, at + 65536).buffer);
  const total = () => events.filter(([k]) => k === 'message').reduce((n, [, m]) => n + m.message.byteLength, 0);
  await waitFor(() => total() >= size, 10000);
  const back = new Uint8Array(size);
  let at = 0;
  for (const [kind, m] of events) {
    if (kind !== 'message') continue;
    back.set(new Uint8Array(m.message), at);
    at += m.message.byteLength;
  }
  expect(at).toBe(size);
  expect(back.every((value, i) => value === sent[i])).toBe(true);
  socket.close();
});

test('close: onClose once, close again does nothing, writing afterwards reports not connected', async () => {
  const { socket, next, kinds, errors } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  socket.close();
  socket.close();
  await next('close');
  socket.close();
  socket.write('late');
  await waitFor(() => errors().length === 1, 1000);
  await sleep(100);
  expect(kinds()).toEqual(['connect', 'close', 'error']);
  expect(errors()).toEqual([{ errMsg: 'write:fail errno:107 errmsg:Transport endpoint is not connected', errCode: -2 }]);
});

test('bytes the server sends after close() are not delivered', async () => {
  const { socket, next, kinds } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  socket.write('echoed after close');
  socket.close();
  await next('close');
  expect(kinds()).toEqual(['connect', 'close']);
});

test('a closed socket connects again; connect while connected is an error', async () => {
  const { socket, next, kinds, errors, received } = recorded();
  socket.connect({ address: PEER, port: GREET });
  await next('close');
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  socket.connect({ address: PEER, port: ECHO });
  expect(await next('error')).toEqual({ errMsg: 'connect:fail errno:106 errmsg:Transport endpoint is already connected', errCode: -2 });
  socket.write(' again');
  await waitFor(() => received() === 'hello again', 3000);
  socket.close();
  await waitFor(() => kinds().filter((k) => k === 'close').length === 2, 3000);
  expect(kinds()).toEqual(['connect', 'message', 'close', 'connect', 'error', 'message', 'close']);
  expect(errors()).toHaveLength(1);
});

test('write before connect() reports not connected; closing a socket never connected fires onClose', async () => {
  const { socket, next, kinds } = recorded();
  socket.write('nobody listens');
  expect(await next('error')).toEqual({ errMsg: 'write:fail errno:107 errmsg:Transport endpoint is not connected', errCode: -2 });
  socket.close();
  await next('close');
  socket.close();
  await sleep(100);
  expect(kinds()).toEqual(['error', 'close']);
});

test('write() before onConnect is sent once connected, with a conformance warning', async () => {
  takeWarnings();
  const { socket, next, received } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  socket.write('early ');
  socket.write('bird');
  expect(takeWarnings().map((w) => w.code)).toEqual(['tcp-write-before-connect', 'tcp-write-before-connect']);
  await next('connect');
  await waitFor(() => received() === 'early bird', 3000);
  socket.close();
});

test('bad write data goes to onError and sends nothing', async () => {
  const { socket, next, received, errors } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  for (const bad of [42, undefined, null, { a: 1 }, [1, 2]]) socket.write(bad);
  socket.write('marker');
  await waitFor(() => received() === 'marker', 3000);
  expect(errors()).toEqual(Array(5).fill({ errMsg: 'write:fail parameter error: data should be String or ArrayBuffer', errCode: -1 }));
  socket.close();
});

test('onError is never called inside the call that caused it', async () => {
  const { socket, events, closed } = recorded();
  const during = [];
  socket.write('not connected');
  during.push(events.length);
  socket.connect({ address: '10.0.0.1', port: 9100 });
  during.push(events.length);
  socket.connect({ address: PEER, port: 80 });
  during.push(events.length);
  socket.write(42);
  during.push(events.length);
  expect(during).toEqual([0, 0, 0, 0]);
  socket.close();
  await closed();
  expect(events.map(([kind, e]) => (kind === 'error' ? e.errCode : kind))).toEqual([-2, -3, 2, -1, 'close']);
});

test('off pairs remove one listener, or all of them without an argument', async () => {
  const socket = wx.createTCPSocket();
  const seen = [];
  const first = () => seen.push('first');
  const second = () => seen.push('second');
  socket.onMessage(first);
  socket.onMessage(second);
  socket.offMessage(first);
  socket.onConnect(() => seen.push('connect'));
  socket.offConnect();
  // Listeners added after an off still hear the event: they tell when it has happened.
  const connected = new Promise((resolve) => socket.onConnect(resolve));
  let got = new Promise((resolve) => socket.onMessage(resolve));
  socket.connect({ address: PEER, port: ECHO });
  await connected;
  socket.write('x');
  await got;
  expect(seen).toEqual(['second']);
  socket.offMessage();
  got = new Promise((resolve) => socket.onMessage(resolve));
  socket.write('y');
  await got;
  expect(seen).toEqual(['second']);
  const errors = [];
  const onError = (e) => errors.push(e.errMsg);
  socket.onError(onError);
  socket.onError(onError);
  socket.offError(onError);
  const heard = new Promise((resolve) => socket.onError((e) => resolve(e.errMsg)));
  socket.write(1);
  expect(await heard).toBe('write:fail parameter error: data should be String or ArrayBuffer');
  let closed = 0;
  const onClose = () => closed++;
  socket.onClose(onClose);
  socket.offClose(onClose);
  const closedNow = new Promise((resolve) => socket.onClose(resolve));
  socket.close();
  await closedNow;
  expect(errors).toEqual([]);
  expect(closed).toBe(0);
  expect(typeof socket.onBindWifi).toBe('function');
  expect(typeof socket.offBindWifi).toBe('function');
});

test('the same listener twice fires twice', async () => {
  const socket = wx.createTCPSocket();
  let calls = 0;
  const count = () => calls++;
  socket.onClose(count);
  socket.onClose(count);
  socket.close();
  await waitFor(() => calls === 2, 1000);
  await sleep(100);
  expect(calls).toBe(2);
});
