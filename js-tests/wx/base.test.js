// Base APIs network code leans on.
test('env.USER_DATA_PATH', () => {
  expect(wx.env.USER_DATA_PATH).toBe('wxfile://usr');
});

test('getSystemInfoSync reports the configured base library and device', () => {
  const info = wx.getSystemInfoSync();
  expect(info.SDKVersion).toBe('3.15.2');
  expect(info.platform).toBe('ios');
  expect(info.pixelRatio).toBe(3);
  expect(info.screenWidth).toBe(390);
  expect(typeof info.windowHeight).toBe('number');
  expect(wx.getWindowInfo().screenWidth).toBe(390);
  expect(wx.getDeviceInfo().brand).toBe('iPhone');
  expect(wx.getAppBaseInfo().SDKVersion).toBe('3.15.2');
});

test('getSystemInfo delivers the same fields with errMsg', async () => {
  const result = await wx.getSystemInfo();
  expect(result.errMsg).toBe('getSystemInfo:ok');
  expect(result.SDKVersion).toBe(wx.getSystemInfoSync().SDKVersion);
});

test('base64 round trip of every byte value', () => {
  const bytes = new Uint8Array(256).map((_, i) => i);
  const text = wx.arrayBufferToBase64(bytes.buffer);
  expect(text.slice(0, 8)).toBe('AAECAwQF');
  expect(new Uint8Array(wx.base64ToArrayBuffer(text))).toEqual(bytes);
  expect(wx.arrayBufferToBase64(new ArrayBuffer(0))).toBe('');
});

test('canIUse follows the base library', () => {
  expect(wx.canIUse('request')).toBe(true);
  expect(wx.canIUse('request.object.timeout')).toBe(true);
  expect(wx.canIUse('createUDPSocket')).toBe(true);
  expect(wx.canIUse('notAnApi')).toBe(false);
  expect(wx.canIUse(42)).toBe(false);
});

test('getNetworkType answers from the device profile', async () => {
  const result = await wx.getNetworkType();
  expect(result).toEqual({ networkType: 'wifi', signalStrength: 4, hasSystemProxy: false, errMsg: 'getNetworkType:ok' });
});
