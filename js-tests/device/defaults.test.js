// The simulated phone in its default state (docs/device.md), and the one mechanism that
// scripts it: require('wxrun').device.
const { device, ui } = require('wxrun');

beforeEach(() => device.reset());

const settle = (run) => new Promise((resolve) => run({ success: (res) => resolve({ ok: res }), fail: (res) => resolve({ fail: res }) }));

describe('location', () => {
  test('getLocation answers the profile place, in WGS-84 or GCJ-02', async () => {
    const wgs = await wx.getLocation({ type: 'wgs84' });
    expect(wgs).toEqual({ latitude: 23.102514, longitude: 113.31909, speed: -1, accuracy: 65, altitude: 0, verticalAccuracy: 0, horizontalAccuracy: 65, errMsg: 'getLocation:ok' });
    const gcj = await wx.getLocation({ type: 'gcj02', altitude: true });
    // The published offset at Guangzhou: about 0.0026 south and 0.0054 east.
    expect(gcj.latitude).toBeCloseTo(23.0999, 4);
    expect(gcj.longitude).toBeCloseTo(113.3245, 4);
    expect(gcj.verticalAccuracy).toBe(65);
    const fuzzy = await wx.getFuzzyLocation({ type: 'wgs84' });
    expect(fuzzy).toEqual({ latitude: 23.1, longitude: 113.32, errMsg: 'getFuzzyLocation:ok' });
  });

  test('asking for the location asks for scope.userLocation once, and getSetting then lists it', async () => {
    expect((await wx.getSetting()).authSetting).toEqual({});
    await wx.getLocation({});
    expect(await wx.getSetting()).toEqual({ authSetting: { 'scope.userLocation': true }, errMsg: 'getSetting:ok' });
  });

  test('location updates reach onLocationChange until stopped', async () => {
    const fixes = [];
    const listener = (fix) => fixes.push(fix);
    wx.onLocationChange(listener);
    await wx.startLocationUpdate({});
    await new Promise((resolve) => setTimeout(resolve, 20));
    await wx.stopLocationUpdate({});
    expect(fixes.length).toBe(1);
    expect(fixes[0].latitude).toBe(23.102514);
    expect(device.state.locationUpdating).toBe(false);
    wx.offLocationChange(listener);
  });

  test('a script moves the phone', async () => {
    device.respond('getLocation', { latitude: 39.9, longitude: 116.4 });
    const here = await wx.getLocation({});
    expect([here.latitude, here.longitude, here.accuracy]).toEqual([39.9, 116.4, 65]);
    device.respond('getLocation', { fail: 'auth deny' });
    await expect(wx.getLocation({})).rejects.toEqual({ errMsg: 'getLocation:fail auth deny' });
  });
});

describe('the user', () => {
  test('a login flow: getUserProfile, then login, then the code goes to the server', async () => {
    const profile = await wx.getUserProfile({ desc: 'to show your name' });
    expect(profile.errMsg).toBe('getUserProfile:ok');
    expect(profile.userInfo.nickName).toBe('微信用户');
    expect(profile.userInfo.gender).toBe(0);
    expect(JSON.parse(profile.rawData)).toEqual(profile.userInfo);
    const first = await wx.login();
    const second = await wx.login();
    expect(first.code).toMatch(/^wxrun-login-code-\d+$/);
    expect(first.code).not.toBe(second.code);
    expect(device.callsOf('getUserProfile')[0].options).toEqual({ desc: 'to show your name' });
  });

  test('getUserProfile needs a desc, as on a phone', async () => {
    await expect(wx.getUserProfile({})).rejects.toEqual({ errMsg: 'getUserProfile:fail parameter error: parameter.desc should be String instead of Undefined;', errno: 1001 });
  });

  test('authorize grants, getSetting lists only what was asked, openSetting can change it', async () => {
    expect(await wx.authorize({ scope: 'scope.record' })).toEqual({ errMsg: 'authorize:ok' });
    expect((await wx.getSetting({ withSubscriptions: true })).subscriptionsSetting).toEqual({ mainSwitch: true, itemSettings: {} });
    expect((await wx.getSetting()).authSetting).toEqual({ 'scope.record': true });
    device.respond('openSetting', { authSetting: { 'scope.record': false } });
    await wx.openSetting();
    expect((await wx.getSetting()).authSetting).toEqual({ 'scope.record': false });
    // A refused scope stays refused: no prompt, the call fails.
    await expect(wx.authorize({ scope: 'scope.record' })).rejects.toEqual({ errMsg: 'authorize:fail auth deny', errno: 103 });
  });
});

describe('payments and subscriptions', () => {
  const order = { timeStamp: '1700000000', nonceStr: 'n', package: 'prepay_id=1', signType: 'RSA', paySign: 's' };

  test('the user cancels a payment by default', async () => {
    const result = await settle((callbacks) => wx.requestPayment(Object.assign({}, order, callbacks)));
    expect(result).toEqual({ fail: { errMsg: 'requestPayment:fail cancel' } });
  });

  test('a scripted payment succeeds, as a value or as a function of the order', async () => {
    device.respond('requestPayment', {});
    expect(await wx.requestPayment(order)).toEqual({ errMsg: 'requestPayment:ok' });
    device.respond('requestPayment', (options) => (options.package === 'prepay_id=1' ? {} : { fail: 'cancel' }));
    expect(await wx.requestPayment(order)).toEqual({ errMsg: 'requestPayment:ok' });
    await expect(wx.requestPayment(Object.assign({}, order, { package: 'prepay_id=2' }))).rejects.toEqual({ errMsg: 'requestPayment:fail cancel' });
    expect(device.callsOf('requestPayment').map((call) => call.result.errMsg)).toEqual(['requestPayment:ok', 'requestPayment:ok', 'requestPayment:fail cancel']);
  });

  test('a payment without its signature fields is a parameter error', async () => {
    await expect(wx.requestPayment({ timeStamp: '1' })).rejects.toEqual({ errMsg: 'requestPayment:fail parameter error: parameter.nonceStr should be String instead of Undefined;', errno: 1001 });
  });

  test('subscription requests are accepted template by template', async () => {
    expect(await wx.requestSubscribeMessage({ tmplIds: ['t1', 't2'] })).toEqual({ t1: 'accept', t2: 'accept', errMsg: 'requestSubscribeMessage:ok' });
    await expect(wx.requestSubscribeMessage({ tmplIds: [] })).rejects.toEqual({ errMsg: "requestSubscribeMessage:fail TmplIds can't be empty", errCode: 10001 });
  });
});

describe('radios switched off', () => {
  test('Bluetooth: not init before opening, not available after', async () => {
    await expect(wx.getBluetoothAdapterState()).rejects.toEqual({ errMsg: 'getBluetoothAdapterState:fail:not init', errCode: 10000 });
    await expect(wx.openBluetoothAdapter()).rejects.toEqual({ errMsg: 'openBluetoothAdapter:fail:not available', errno: 1500102, errCode: 10001, state: 4 });
    expect(await wx.getBluetoothAdapterState()).toEqual({ available: false, discovering: false, errMsg: 'getBluetoothAdapterState:ok' });
    await expect(wx.startBluetoothDevicesDiscovery({})).rejects.toEqual({ errMsg: 'startBluetoothDevicesDiscovery:fail:not available', errno: 1500102, errCode: 10001 });
  });

  test('Wi-Fi, NFC and iBeacon answer with their errCodes', async () => {
    await expect(wx.getConnectedWifi()).rejects.toEqual({ errMsg: 'getConnectedWifi:fail not init', errCode: 12000 });
    expect(await wx.startWifi()).toEqual({ errCode: 0, errMsg: 'startWifi:ok' });
    await expect(wx.getConnectedWifi()).rejects.toEqual({ errMsg: 'getConnectedWifi:fail no wifi is connected.', errCode: 12010 });
    const failed = await settle((callbacks) => wx.getNFCAdapter().startDiscovery(callbacks));
    expect(failed).toEqual({ fail: { errMsg: 'NFCAdapter.startDiscovery:fail current platform is not supported', errCode: 13000 } });
    await expect(wx.startBeaconDiscovery({ uuids: ['u'] })).rejects.toEqual({ errMsg: 'startBeaconDiscovery:fail:bluetooth service unavailable', errCode: 11001 });
    expect(await wx.getBeacons()).toEqual({ beacons: [], errMsg: 'getBeacons:ok' });
  });
});

describe('the phone remembers', () => {
  test('the clipboard, the brightness, keep-screen-on and vibrations', async () => {
    expect((await wx.getClipboardData()).data).toBe('');
    await wx.setClipboardData({ data: 'copied' });
    expect((await wx.getClipboardData()).data).toBe('copied');
    await wx.setScreenBrightness({ value: 0.8 });
    expect((await wx.getScreenBrightness()).value).toBe(0.8);
    await wx.setKeepScreenOn({ keepScreenOn: true });
    await wx.vibrateShort({ type: 'heavy' });
    await wx.vibrateShort();
    await wx.vibrateLong();
    const state = device.state;
    expect([state.clipboard, state.screenBrightness, state.keepScreenOn, state.vibrations]).toEqual(['copied', 0.8, true, { short: 2, long: 1 }]);
    // The client's own confirmation of a copy.
    expect(ui.state.toast.title).toBe('内容已复制');
    device.reset();
    expect(device.state.clipboard).toBe('');
    expect(device.calls).toEqual([]);
  });

  test('scanCode is cancelled unless scripted', async () => {
    await expect(wx.scanCode({})).rejects.toEqual({ errMsg: 'scanCode:fail cancel' });
    device.respond('scanCode', { result: 'https://example.com/p?id=1', scanType: 'QR_CODE' });
    const scanned = await wx.scanCode({});
    expect([scanned.errMsg, scanned.result, scanned.scanType, scanned.charSet]).toEqual(['scanCode:ok', 'https://example.com/p?id=1', 'QR_CODE', '']);
  });
});

describe('system information', () => {
  test('one profile behind every getter', () => {
    const info = wx.getSystemInfoSync();
    expect(info.model).toBe('iPhone 13<iPhone14,5>');
    expect(info.safeArea).toEqual({ left: 0, right: 390, top: 47, bottom: 810, width: 390, height: 763 });
    expect(wx.getSystemSetting()).toEqual({ bluetoothEnabled: false, locationEnabled: true, wifiEnabled: true, deviceOrientation: 'portrait' });
    const authorized = wx.getAppAuthorizeSetting();
    expect([authorized.locationAuthorized, authorized.bluetoothAuthorized]).toEqual(['authorized', 'not determined']);
    expect(wx.getMenuButtonBoundingClientRect()).toEqual({ width: 87, height: 32, top: 51, bottom: 83, left: 293, right: 380 });
  });

  test('app-level events are real listener sets a script fires; the theme follows', async () => {
    const seen = [];
    const listener = (res) => seen.push(res.theme);
    wx.onThemeChange(listener);
    await device.emit('onThemeChange', { theme: 'dark' });
    expect(seen).toEqual(['dark']);
    expect(wx.getAppBaseInfo().theme).toBe('dark');
    wx.offThemeChange(listener);
    await device.emit('onThemeChange', { theme: 'light' });
    expect(seen).toEqual(['dark']);
    const warnings = [];
    wx.onMemoryWarning((res) => warnings.push(res));
    await device.emit('onMemoryWarning', { level: 10 });
    expect(warnings).toEqual([{ level: 10 }]);
  });
});

describe('managers and the page', () => {
  test('a selector query answers each request in order, node callbacks first', async () => {
    const order = [];
    const query = wx.createSelectorQuery();
    query.select('#title').boundingClientRect((rect) => order.push(['title', rect]));
    query.selectAll('.item').boundingClientRect();
    query.selectViewport().scrollOffset();
    query.select('#list').fields({ id: true, size: true, properties: ['scrollX'] });
    const results = await new Promise((resolve) => query.exec(resolve));
    expect(order.map((entry) => entry[0])).toEqual(['title']);
    expect(results).toEqual([
      { id: 'title', dataset: {}, left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0 },
      [],
      { id: '', dataset: {}, scrollLeft: 0, scrollTop: 0, scrollWidth: 390, scrollHeight: 753 },
      { id: 'list', width: 0, height: 0, scrollX: null },
    ]);
    expect(order[0][1]).toBe(results[0]);
  });

  test('an animation exports its steps once', () => {
    const animation = wx.createAnimation({ duration: 300, timingFunction: 'ease' });
    animation.opacity(0.5).translateX(10).step().backgroundColor('#fff').height(20).step({ duration: 100 });
    const exported = animation.export();
    expect(exported.actions).toEqual([
      { animates: [{ type: 'style', args: ['opacity', 0.5] }, { type: 'translateX', args: [10] }], option: { transformOrigin: '50% 50% 0', transition: { duration: 300, timingFunction: 'ease', delay: 0 } } },
      { animates: [{ type: 'style', args: ['background-color', '#fff'] }, { type: 'style', args: ['height', '20px'] }], option: { transformOrigin: '50% 50% 0', transition: { duration: 100, timingFunction: 'ease', delay: 0 } } },
    ]);
    expect(animation.export()).toEqual({ actions: [] });
  });

  test('the update manager finds no update, and a script can make one ready', async () => {
    const manager = wx.getUpdateManager();
    expect(wx.getUpdateManager()).toBe(manager);
    const check = await new Promise((resolve) => manager.onCheckForUpdate(resolve));
    expect(check).toEqual({ hasUpdate: false });
    // A listener added after the check still hears it.
    expect(await new Promise((resolve) => manager.onCheckForUpdate(resolve))).toEqual({ hasUpdate: false });
    const ready = new Promise((resolve) => manager.onUpdateReady(resolve));
    await device.emit('UpdateManager.onUpdateReady');
    await ready;
    manager.applyUpdate();
    expect(device.callsOf('UpdateManager.applyUpdate').length).toBe(1);
  });

  test('the real-time log keeps its filters and tags; the log manager records', () => {
    const log = wx.getRealtimeLogManager();
    log.setFilterMsg('order');
    log.addFilterMsg('pay');
    log.info('placed', { id: 1 });
    const tagged = log.tag('checkout');
    tagged.setFilterMsg('cart');
    tagged.warn('slow', 1200);
    expect(device.state.realtimeLog.filters).toEqual(['order', 'pay']);
    expect(device.state.realtimeLog.tags).toEqual({ checkout: { filters: ['cart'] } });
    expect(log.getCurrentState().logCount).toBe(2);
    wx.getLogManager({ level: 1 }).info('started');
    expect(device.callsOf('LogManager.info')[0].args).toEqual(['started']);
    expect(wx.getPerformance().getEntries()).toEqual([]);
  });
});

describe('runtime', () => {
  test('nextTick runs after the current flow; requestIdleCallback can be cancelled', async () => {
    const order = [];
    wx.nextTick(() => order.push('tick'));
    order.push('now');
    const cancelled = wx.requestIdleCallback(() => order.push('cancelled'));
    wx.cancelIdleCallback(cancelled);
    await new Promise((resolve) => wx.requestIdleCallback((deadline) => resolve(order.push(typeof deadline.timeRemaining))));
    expect(order).toEqual(['now', 'tick', 'function']);
  });

  test('getRandomValues gives real random bytes, up to 1048576', async () => {
    const a = new Uint8Array((await wx.getRandomValues({ length: 32 })).randomValues);
    const b = new Uint8Array((await wx.getRandomValues({ length: 32 })).randomValues);
    expect(a.length).toBe(32);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    await expect(wx.getRandomValues({ length: 1048577 })).rejects.toEqual({ errMsg: 'getRandomValues:fail parameter error: parameter.length should be a whole number from 0 to 1048576;', errno: 1001 });
  });
});

describe('the answering mechanism', () => {
  test('generic APIs answer by kind and take any scripted answer', async () => {
    expect(await wx.checkIsOpenAccessibility()).toEqual({ open: false, errMsg: 'checkIsOpenAccessibility:ok' });
    device.respond('checkIsOpenAccessibility', { open: true });
    expect(await wx.checkIsOpenAccessibility()).toEqual({ open: true, errMsg: 'checkIsOpenAccessibility:ok' });
    device.respond('checkIsOpenAccessibility', { fail: 'checkIsOpenAccessibility:fail system error', errCode: -1 });
    await expect(wx.checkIsOpenAccessibility()).rejects.toEqual({ errMsg: 'checkIsOpenAccessibility:fail system error', errCode: -1 });
    device.respond('checkIsOpenAccessibility');
    expect((await wx.checkIsOpenAccessibility()).open).toBe(false);
    device.respond('getExptInfoSync', { color: 'blue' });
    expect(wx.getExptInfoSync(['color'])).toEqual({ color: 'blue' });
    device.respond('getExptInfoSync', () => ({ fail: 'no experiments' }));
    expect(() => wx.getExptInfoSync()).toThrow('getExptInfoSync:fail no experiments');
    device.respond('InnerAudioContext.play', () => undefined);
    expect(() => wx.createInnerAudioContext().play()).not.toThrow();
  });

  test('a bad *Sync argument throws the platform failure', () => {
    expect(() => wx.isVKSupport(2)).toThrow('isVKSupport:fail parameter error: parameter.version should be String instead of Number;');
  });

  test('names are checked: unknown, real, events and factories are errors that say what to do', () => {
    expect(() => device.respond('getLocaton', {})).toThrow('wxrun.device.respond: "getLocaton" is not a wx API; did you mean "getLocation"?');
    expect(() => device.respond('request', {})).toThrow('answer it with a mock rule');
    expect(() => device.respond('getSystemInfoSync', {})).toThrow('answers from the device profile');
    expect(() => device.respond('onThemeChange', {})).toThrow('fire the event with device.emit("onThemeChange", payload)');
    expect(() => device.respond('getUpdateManager', {})).toThrow('returns UpdateManager');
    expect(() => device.respond('UpdateManager.restart', {})).toThrow('UpdateManager has no method "restart"');
    expect(() => device.respond('getLocation', 42)).toThrow('the answer should be an object');
    expect(() => device.emit('onThemChange', {})).toThrow('did you mean "onThemeChange"?');
    expect(() => device.emit('onAppShow', {})).toThrow("require('wxrun').app.show()");
    expect(() => device.emit('getLocation')).toThrow('not an event of wx');
  });

  test('every simulated call is recorded with its options and result', async () => {
    await wx.showToast({ title: 'Saved', success() {} });
    wx.reportAnalytics('purchase', { price: 1 });
    await wx.getBatteryInfo();
    expect(device.calls.map((call) => call.api)).toEqual(['showToast', 'reportAnalytics', 'getBatteryInfo']);
    expect(device.callsOf('showToast')[0].options).toEqual({ title: 'Saved' });
    expect(device.callsOf('reportAnalytics')[0].args).toEqual(['purchase', { price: 1 }]);
    expect(device.callsOf('getBatteryInfo')[0].result).toEqual({ level: 100, isCharging: true, isLowPowerModeEnabled: false, errMsg: 'getBatteryInfo:ok' });
    // ui is the older name of the same controls.
    expect(ui.calls).toEqual(device.calls);
    ui.respond('getBatteryInfo', { level: 5 });
    expect((await wx.getBatteryInfo()).level).toBe(5);
  });
});

test('with no mediaFolder the album holds one built-in photo, which uploads; there are no videos', async () => {
  const chosen = await wx.chooseImage({ count: 9 });
  expect(chosen.tempFiles).toEqual([{ path: chosen.tempFilePaths[0], size: 99 }]);
  expect(await wx.getImageInfo({ src: chosen.tempFilePaths[0] })).toMatchObject({ width: 4, height: 3, type: 'png' });
  const uploaded = await new Promise((resolve, reject) => wx.uploadFile({ url: 'https://upload.wxrun.test/upload', filePath: chosen.tempFilePaths[0], name: 'f', success: resolve, fail: reject }));
  expect(JSON.parse(uploaded.data).parts[0]).toMatchObject({ size: 99, sha256: '07f0af7f290bdd598e058bc7b6b76a35368ca0df6f0fa8d0a9ec22e6a3cf1985' });
  await expect(wx.chooseVideo({})).rejects.toEqual({ errMsg: 'chooseVideo:fail cancel' });
});

test('a map shows the phone\'s place at scale 16; the camera takes the album\'s photo', async () => {
  const map = wx.createMapContext('map');
  const here = await wx.getLocation({ type: 'gcj02' });
  const center = await new Promise((resolve) => map.getCenterLocation({ success: resolve }));
  expect([center.latitude, center.longitude]).toEqual([here.latitude, here.longitude]);
  expect((await new Promise((resolve) => map.getScale({ success: resolve }))).scale).toBe(16);
  const photo = await new Promise((resolve) => wx.createCameraContext().takePhoto({ success: resolve }));
  expect(photo.tempImagePath).toMatch(/^wxfile:\/\/tmp_\w+\.png$/);
  expect((await wx.getImageInfo({ src: photo.tempImagePath })).width).toBe(4);
});

test('requirePlugin hands out what a script provided, else a stand-in that records calls', () => {
  const { plugins } = require('wxrun');
  const standIn = requirePlugin('translator');
  expect(standIn.translate('hello', { to: 'zh' })).toBeUndefined();
  expect(requirePlugin('translator')).toBe(standIn);
  expect(device.callsOf('plugin:translator.translate')[0].args).toEqual(['hello', { to: 'zh' }]);
  plugins.provide('calculator', { add: (a, b) => a + b });
  expect(requirePlugin('calculator').add(2, 3)).toBe(5);
});

test('__wxConfig holds the envVersion and platform apps read', () => {
  expect(__wxConfig.envVersion).toBe(wx.getAccountInfoSync().miniProgram.envVersion);
  expect(__wxConfig.platform).toBe(wx.getSystemInfoSync().platform);
});
