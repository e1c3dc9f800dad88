// TCPSocket's failure paths: a refused port, a reset, connect timeouts, the app in the
// background, the device offline, and bindWifi on the default (iPhone) device.
const { app, network } = require('wxrun');
const { sleep } = require('../helpers/net');
const { PEER, ECHO, RESET, HOLD, REFUSED, recorded } = require('../helpers/tcp');

afterEach(() => {
  jest.useRealTimers();
  app.show();
  network.online();
});

test('a port where nothing listens: errCode -4 with the system errno, then onClose', async () => {
  const { socket, kinds, errors, closed } = recorded();
  socket.connect({ address: PEER, port: REFUSED });
  await closed();
  expect(kinds()).toEqual(['error', 'close']);
  expect(errors()).toEqual([{ errMsg: 'connect:fail errno:111 errmsg:Connection refused', errCode: -4 }]);
});

test('a connection the server resets: errCode -2 with the system errno, then onClose', async () => {
  const { socket, next, kinds, errors, closed } = recorded();
  socket.connect({ address: PEER, port: RESET });
  await next('connect');
  socket.write('reset me');
  await closed();
  expect(kinds()).toEqual(['connect', 'error', 'close']);
  expect(errors()).toEqual([{ errMsg: 'TCPSocket:fail errno:104 errmsg:Connection reset by peer', errCode: -2 }]);
});

test('connect gives up after timeout seconds', async () => {
  const { socket, kinds, errors, closed } = recorded();
  const started = Date.now();
  socket.connect({ address: PEER, port: HOLD, timeout: 0.3 });
  await closed();
  const took = Date.now() - started;
  expect(kinds()).toEqual(['error', 'close']);
  expect(errors()).toEqual([{ errMsg: 'connect:fail errno:110 errmsg:Connection timed out', errCode: -4 }]);
  expect(took).toBeGreaterThanOrEqual(280);
  expect(took).toBeLessThan(1500);
});

test('the connect timeout passes with the fake clock, not in real time', async () => {
  jest.useFakeTimers();
  const socket = wx.createTCPSocket();
  const failures = [];
  socket.onError((error) => failures.push(error.errMsg));
  const closedOnce = new Promise((resolve) => socket.onClose(resolve));
  socket.connect({ address: PEER, port: HOLD, timeout: 30 });
  jest.advanceTimersByTime(29000);
  // A real round trip through the loop and the network: the held connect has not failed.
  const echo = wx.createTCPSocket();
  const echoed = new Promise((resolve) => echo.onMessage(resolve));
  echo.onConnect(() => echo.write('ping'));
  echo.connect({ address: PEER, port: ECHO });
  await echoed;
  echo.close();
  expect(failures).toEqual([]);
  jest.advanceTimersByTime(1000);
  await closedOnce;
  expect(failures).toEqual(['connect:fail errno:110 errmsg:Connection timed out']);
});

test('the default connect timeout is 2 seconds', async () => {
  const { socket, errors, closed } = recorded();
  const started = Date.now();
  socket.connect({ address: PEER, port: HOLD, timeout: 'soon' });
  await closed(6000);
  const took = Date.now() - started;
  expect(errors().map((e) => e.errCode)).toEqual([-4]);
  expect(took).toBeGreaterThanOrEqual(1950);
  expect(took).toBeLessThan(3500);
}, 10000);

test('close() while connecting drops the attempt: onClose, no error', async () => {
  const { socket, kinds, closed } = recorded();
  socket.connect({ address: PEER, port: HOLD, timeout: 5 });
  await sleep(100);
  socket.close();
  await closed(1000);
  await sleep(100);
  expect(kinds()).toEqual(['close']);
});

test('a connect started in the background is interrupted', async () => {
  app.hide();
  const { socket, next, kinds, errors, closed } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await closed();
  expect(kinds()).toEqual(['error', 'close']);
  expect(errors()).toEqual([{ errMsg: 'connect:fail interrupted', errCode: -1 }]);
  app.show();
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  socket.close();
});

test('an open socket is closed when the app goes to the background', async () => {
  const { socket, next, kinds, errors, closed } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await next('connect');
  app.hide();
  await closed();
  expect(kinds()).toEqual(['connect', 'error', 'close']);
  expect(errors()).toEqual([{ errMsg: 'TCPSocket:fail interrupted', errCode: -1 }]);
});

test('offline, a connect fails as without a network', async () => {
  network.offline();
  const { socket, kinds, errors, closed } = recorded();
  socket.connect({ address: PEER, port: ECHO });
  await closed();
  expect(kinds()).toEqual(['error', 'close']);
  expect(errors()).toEqual([{ errMsg: 'connect:fail errno:101 errmsg:Network is unreachable', errCode: -4 }]);
  network.online();
  socket.connect({ address: PEER, port: ECHO });
  await new Promise((resolve) => socket.onConnect(resolve));
  socket.close();
});

test('bindWifi on an iPhone: errCode 5, Android only; onBindWifi never fires', async () => {
  const { socket, next } = recorded();
  let bound = 0;
  socket.onBindWifi(() => bound++);
  socket.bindWifi({ BSSID: 'aa:bb:cc:dd:ee:ff' });
  expect(await next('error')).toEqual({ errMsg: 'bindWifi:fail bindWifi is supported only on Android', errCode: 5 });
  socket.bindWifi();
  expect((await next('error')).errCode).toBe(5);
  await sleep(50);
  expect(bound).toBe(0);
});
