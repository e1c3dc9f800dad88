// wx.createTCPSocket arrived in base library 2.18.0.
test('createTCPSocket is missing before 2.18.0', () => {
  expect(wx.createTCPSocket).toBeUndefined();
  expect(wx.canIUse('createTCPSocket')).toBe(false);
  expect(typeof wx.createUDPSocket).toBe('function');
});
