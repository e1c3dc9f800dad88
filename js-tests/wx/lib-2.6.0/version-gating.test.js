// This folder's project.config.json sets libVersion 2.6.0.
test('members newer than the base library are undefined', () => {
  expect(wx.getSystemInfoSync().SDKVersion).toBe('2.6.0');
  expect(wx.createUDPSocket).toBeUndefined();
  expect('createUDPSocket' in wx).toBe(false);
  expect(wx.getAppBaseInfo).toBeUndefined();
  expect(typeof wx.request).toBe('function');
});

test('canIUse answers for this base library', () => {
  expect(wx.canIUse('createUDPSocket')).toBe(false);
  expect(wx.canIUse('request.object.timeout')).toBe(false);
  expect(wx.canIUse('startLocalServiceDiscovery')).toBe(true);
  expect(wx.canIUse('onAppShow')).toBe(true);
});
