// wx.createUDPSocket arrived in base library 2.7.0; mDNS discovery in 2.4.0.
test('createUDPSocket is missing before 2.7.0, discovery is present', () => {
  expect(wx.createUDPSocket).toBeUndefined();
  expect(wx.canIUse('createUDPSocket')).toBe(false);
  expect(typeof wx.startLocalServiceDiscovery).toBe('function');
  expect(wx.canIUse('startLocalServiceDiscovery')).toBe(true);
});
