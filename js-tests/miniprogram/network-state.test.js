// Network state: getNetworkType, onNetworkStatusChange, and the offline switch.
const { network } = require('wxrun');
const { request, API } = require('../helpers/net.js');

afterEach(() => network.online());

test('going offline tells the listeners and fails new requests as a phone does', async () => {
  const events = [];
  const listener = (status) => events.push(status);
  wx.onNetworkStatusChange(listener);
  expect((await wx.getNetworkType()).networkType).toBe('wifi');
  network.offline();
  expect((await wx.getNetworkType()).networkType).toBe('none');
  const { ok, result } = await request({ url: API + '/echo' });
  expect(ok).toBe(false);
  expect(result.errMsg).toBe('request:fail -106:net::ERR_INTERNET_DISCONNECTED');
  const download = await new Promise((resolve) => wx.downloadFile({ url: 'https://download.wxrun.test/bytes/10', fail: resolve }));
  expect(download.errMsg).toBe('downloadFile:fail -106:net::ERR_INTERNET_DISCONNECTED');
  network.online();
  expect((await request({ url: API + '/echo' })).ok).toBe(true);
  expect(events).toEqual([
    { isConnected: false, networkType: 'none' },
    { isConnected: true, networkType: 'wifi' },
  ]);
  wx.offNetworkStatusChange(listener);
  // A listener added now hears the change in the same round as the removed one would.
  const changed = new Promise((resolve) => wx.onNetworkStatusChange(resolve));
  network.setType('4g');
  expect(await changed).toEqual({ isConnected: true, networkType: '4g' });
  wx.offNetworkStatusChange();
  expect(events.length).toBe(2);
  expect(network.type).toBe('4g');
});

test('a WebSocket opened offline reports the same failure', async () => {
  network.offline();
  const task = wx.connectSocket({ url: 'wss://ws.wxrun.test/echo' });
  const error = await new Promise((resolve) => task.onError(resolve));
  expect(error.errMsg).toBe('-106:net::ERR_INTERNET_DISCONNECTED');
});

test('an unknown network type is refused', () => {
  expect(() => network.setType('6g')).toThrow('networkType should be one of');
});
