// This folder's wxrun.json sets the device's state: the answers follow it.
test('the profile place, user, theme and answers', async () => {
  expect(wx.getSystemInfoSync().theme).toBe('dark');
  expect(wx.getAppBaseInfo().theme).toBe('dark');
  const profile = await wx.getUserProfile({ desc: 'name' });
  expect(profile.userInfo).toEqual({ nickName: 'Ada', avatarUrl: 'https://example.com/ada.png', gender: 2, country: '', province: '', city: 'Shanghai', language: '' });
  expect(await wx.requestPayment({ timeStamp: '1', nonceStr: 'n', package: 'p', paySign: 's' })).toEqual({ errMsg: 'requestPayment:ok' });
  expect(await wx.requestSubscribeMessage({ tmplIds: ['t'] })).toEqual({ t: 'reject', errMsg: 'requestSubscribeMessage:ok' });
});

test('a scope the profile refuses fails every API that needs it, and getSetting says so', async () => {
  await expect(wx.getLocation({})).rejects.toEqual({ errMsg: 'getLocation:fail auth deny', errno: 103 });
  await expect(wx.startLocationUpdate({})).rejects.toEqual({ errMsg: 'startLocationUpdate:fail auth deny', errno: 103 });
  expect((await wx.getSetting()).authSetting).toEqual({ 'scope.userLocation': false });
  // Other scopes are granted when asked.
  expect((await wx.getFuzzyLocation({ type: 'wgs84' })).latitude).toBe(31.23);
  const { device } = require('wxrun');
  device.respond('getLocation', {});
  expect((await wx.getLocation({})).altitude).toBe(0);
  device.respond('getLocation', undefined);
});

test('once the settings page allows it, GCJ-02 answers are offset from the profile place', async () => {
  const { device } = require('wxrun');
  device.reset();
  device.respond('openSetting', { authSetting: { 'scope.userLocation': true } });
  await wx.getLocation({}).catch(() => {});
  await wx.openSetting();
  const gcj = await wx.getLocation({ type: 'gcj02', altitude: true });
  expect(gcj.altitude).toBe(12);
  expect(gcj.latitude).not.toBe(31.2304);
  expect(Math.abs(gcj.latitude - 31.2304)).toBeLessThan(0.01);
});
