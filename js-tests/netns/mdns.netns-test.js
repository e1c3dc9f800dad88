// mDNS discovery, run by crates/wxrun/tests/mdns_netns.rs inside a network namespace of its
// own (loopback only, multicast on), next to a responder that publishes `alpha` (a LAN peer,
// 127.0.0.2), `outside` (10.9.9.9) and `self` (the device, 127.0.0.1). Once this test reports
// (over UDP, to the port in WXRUN_MDNS_CONTROL_PORT) that it found alpha, the responder
// announces `ghost` without ever answering for its address and re-publishes alpha on another
// port; once it reports seeing both, alpha is withdrawn. This file is not matched by the
// default *.test.js pattern: it needs that set-up.
const TYPE = '_wxrun._tcp.';

const { env } = require('wxrun');
const { waitFor } = require('../helpers/net');

// Tells the Rust side that a step was seen, so that it makes the next change.
function reporter() {
  const socket = wx.createUDPSocket();
  const report = (step) => socket.send({ address: '127.0.0.2', port: Number(env.WXRUN_MDNS_CONTROL_PORT), message: step });
  report.close = () => socket.close();
  return report;
}

test('found (LAN peers only), updated, unresolvable, lost; stop on request', async () => {
  const found = [];
  const lost = [];
  const failed = [];
  const stopped = [];
  const alphaOn = (port) => () => found.some((s) => s.serviceName === 'alpha' && s.port === port);
  const report = reporter();
  wx.onLocalServiceFound((s) => found.push(s));
  wx.onLocalServiceLost((s) => lost.push(s));
  wx.onLocalServiceResolveFail((s) => failed.push(s));
  wx.onLocalServiceDiscoveryStop((s) => stopped.push(s));
  expect(await wx.startLocalServiceDiscovery({ serviceType: TYPE })).toEqual({ errMsg: 'startLocalServiceDiscovery:ok' });
  await waitFor(alphaOn(8001), 15000);
  report('found alpha');
  await waitFor(() => alphaOn(8002)() && failed.length > 0, 15000);
  report('ghost and update seen');
  await waitFor(() => lost.length > 0, 15000);
  report.close();
  expect(found).toContainEqual({ serviceType: TYPE, serviceName: 'alpha', ip: '127.0.0.2', port: 8001 });
  expect(found).toContainEqual({ serviceType: TYPE, serviceName: 'alpha', ip: '127.0.0.2', port: 8002 });
  expect(found.map((s) => s.serviceName).filter((n) => n !== 'alpha')).toEqual([]);
  expect(lost).toEqual([{ serviceType: TYPE, serviceName: 'alpha' }]);
  expect(failed).toEqual([{ serviceType: TYPE, serviceName: 'ghost' }]);
  expect(await wx.stopLocalServiceDiscovery()).toEqual({ errMsg: 'stopLocalServiceDiscovery:ok' });
  await waitFor(() => stopped.length === 1, 2000);
  expect(stopped).toEqual([{}]);
  wx.offLocalServiceFound();
  wx.offLocalServiceLost();
  wx.offLocalServiceResolveFail();
  wx.offLocalServiceDiscoveryStop();
}, 60000);

test('errMsg cases: invalid param, one scan at a time, no scan to stop', async () => {
  await expect(wx.startLocalServiceDiscovery({ serviceType: '' })).rejects.toEqual({ errMsg: 'startLocalServiceDiscovery:fail invalid param' });
  await expect(wx.stopLocalServiceDiscovery()).rejects.toEqual({ errMsg: 'stopLocalServiceDiscovery:fail task not found' });
  await wx.startLocalServiceDiscovery({ serviceType: TYPE });
  await expect(wx.startLocalServiceDiscovery({ serviceType: TYPE })).rejects.toEqual({ errMsg: 'startLocalServiceDiscovery:fail scan task already exist' });
  const calls = [];
  await new Promise((resolve) => wx.stopLocalServiceDiscovery({ success: (r) => calls.push(r.errMsg), complete: resolve }));
  expect(calls).toEqual(['stopLocalServiceDiscovery:ok']);
});
