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
