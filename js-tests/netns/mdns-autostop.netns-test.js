// The 30 s auto-stop of a scan, shortened to 2 s by the configuration that
// crates/wxrun/tests/mdns_netns.rs passes for this file alone
// (`limits.localServiceDiscoveryTimeout`). Runs inside that test's network namespace.

const { waitFor } = require('../helpers/net');

test('a scan stops by itself after localServiceDiscoveryTimeout (2 s in this run)', async () => {
  const stopped = [];
  wx.onLocalServiceDiscoveryStop(() => stopped.push(Date.now()));
  const started = Date.now();
  await wx.startLocalServiceDiscovery({ serviceType: '_nothing._udp.' });
  await waitFor(() => stopped.length === 1, 6000);
  expect(stopped[0] - started).toBeGreaterThanOrEqual(1900);
  await expect(wx.stopLocalServiceDiscovery()).rejects.toEqual({ errMsg: 'stopLocalServiceDiscovery:fail task not found' });
  wx.offLocalServiceDiscoveryStop();
}, 10000);

test('the auto-stop is measured on the fake clock under fake timers', async () => {
  jest.useFakeTimers();
  const stopped = [];
  wx.onLocalServiceDiscoveryStop(() => stopped.push('stop'));
  await wx.startLocalServiceDiscovery({ serviceType: '_nothing._udp.' });
  jest.advanceTimersByTime(1999);
  // Turns of the event loop, in real time: the scan goes on.
  for (let i = 0; i < 20; i++) await jest.advanceTimersByTimeAsync(0);
  expect(stopped).toEqual([]);
  jest.advanceTimersByTime(1);
  for (let i = 0; i < 200 && stopped.length === 0; i++) await jest.advanceTimersByTimeAsync(0);
  expect(stopped).toEqual(['stop']);
  wx.offLocalServiceDiscoveryStop();
  jest.useRealTimers();
});
