// The sample mini-program (fixtures/sample-app) driven through launch(), against the shop API
// of wx-testkit: lifecycle order, the token wrapper's retry on 401, setData path keys, the page
// stack and the route APIs with their errMsg forms.
const { miniprogram, ui } = require('wxrun');

const APP = __dirname + '/../../fixtures/sample-app';
let app;

function routes() {
  return getCurrentPages().map((page) => page.route);
}

beforeAll(async () => {
  // A token from an earlier session that the server no longer accepts.
  wx.setStorageSync('token', 'stale');
  app = await miniprogram.launch(APP, { scene: 1011 });
});

test('App and the entry page run their lifecycles with the launch options', async () => {
  expect(getApp()).toBe(app.app);
  expect(getApp().globalData.scene).toBe(1011);
  expect(wx.getLaunchOptionsSync()).toEqual({ path: 'pages/index/index', query: {}, scene: 1011, referrerInfo: {}, apiCategory: 'default' });
  expect(routes()).toEqual(['pages/index/index']);
  await app.until(() => app.currentPage.data.loading === false);
  expect(app.currentPage.data.error).toBe('');
});

test('the wrapper logs in again on 401, stores the new token and retries', () => {
  expect(wx.getStorageSync('token')).toMatch(/^token-wxrun-login-code-\d+$/);
  expect(app.currentPage.data.items.map((item) => item.name)).toEqual(['Item 1', 'Item 2', 'Item 3']);
  expect(ui.callsOf('login').length).toBe(1);
  const ofThePage = ui.calls.map((call) => call.api).filter((api) => !/UpdateManager/.test(api));
  expect(ofThePage).toEqual(['showLoading', 'login', 'hideLoading']);
  // App.onLaunch asked for the update manager; the check found nothing.
  expect(ui.callsOf('UpdateManager.onCheckForUpdate')[0].args).toEqual([{ hasUpdate: false }]);
  expect(getApp().globalData.hasUpdate).toBe(false);
});

test('setData with a path key changes one field and is recorded', async () => {
  await app.call('onRename', { detail: { index: 1, name: 'Renamed' } });
  const page = app.currentPage;
  expect(page.data.items[1]).toEqual({ id: 2, name: 'Renamed', price: 200 });
  expect(page.data.items[0].name).toBe('Item 1');
  expect(app.setDataCalls.slice(-1)).toEqual([{ route: 'pages/index/index', data: { 'items[1].name': 'Renamed' } }]);
});

test('setData creates what a path needs and ignores undefined', () => {
  const page = app.currentPage;
  page.setData({ 'a.b[2].c': 1, 'list[0]': 'x', skip: undefined });
  expect(page.data.a).toEqual({ b: [undefined, undefined, { c: 1 }] });
  expect(page.data.list).toEqual(['x']);
  expect('skip' in page.data).toBe(false);
});

test('a tap navigates: the opener is hidden, the new page loads with its query', async () => {
  const index = app.currentPage;
  const hidden = [];
  const onHide = index.onHide;
  index.onHide = function () {
    hidden.push(this.route);
  };
  await app.call('onTapItem', { dataset: { id: 2 } });
  await app.until(() => app.currentPage.route === 'pages/detail/detail' && app.currentPage.data.item);
  index.onHide = onHide;
  expect(hidden).toEqual(['pages/index/index']);
  expect(app.currentPage.options).toEqual({ id: '2' });
  expect(app.currentPage.data.item.name).toBe('Item 2');
  expect(ui.state.navigationBarTitle).toBe('Item 2');
});

test('buying asks for confirmation, posts the order and sets a nested field', async () => {
  await app.call('onBuy');
  // The user closed the payment sheet.
  expect(app.currentPage.data.order).toEqual({ id: 1001, paid: false });
  expect(ui.callsOf('requestPayment')[0].result).toEqual({ errMsg: 'requestPayment:fail cancel' });
  expect(ui.callsOf('showModal')[0].options.content).toBe('Buy Item 2?');
  ui.respond('showModal', { confirm: false, cancel: true });
  app.currentPage.setData({ 'order.id': null });
  await app.call('onBuy');
  expect(app.currentPage.data.order.id).toBe(null);
  ui.respond('showModal');
});

test('a subpackage page opens by absolute path and sees the stack', async () => {
  await app.call('onOrders');
  await app.until(() => app.currentPage.route === 'packageA/pages/orders/orders');
  expect(app.currentPage.data.pages).toEqual(['pages/index/index', 'pages/detail/detail', 'packageA/pages/orders/orders']);
});

test('navigateBack unloads pages and shows the one revealed', async () => {
  const unloaded = [];
  for (const page of getCurrentPages().slice(1)) {
    page.onUnload = function () {
      unloaded.push(this.route);
    };
  }
  const result = await wx.navigateBack({ delta: 5 });
  expect(result).toEqual({ errMsg: 'navigateBack:ok' });
  expect(unloaded).toEqual(['packageA/pages/orders/orders', 'pages/detail/detail']);
  expect(routes()).toEqual(['pages/index/index']);
  await expect(wx.navigateBack()).rejects.toEqual({ errMsg: 'navigateBack:fail cannot navigate back at first page.' });
});

test('route errors use the platform errMsg forms', async () => {
  await expect(wx.navigateTo({ url: '/pages/nope/nope' })).rejects.toEqual({ errMsg: 'navigateTo:fail page "pages/nope/nope" is not found' });
  await expect(wx.navigateTo({ url: '/pages/me/me' })).rejects.toEqual({ errMsg: 'navigateTo:fail can not navigateTo a tabbar page' });
  await expect(wx.redirectTo({ url: '/pages/me/me' })).rejects.toEqual({ errMsg: 'redirectTo:fail can not redirectTo a tabbar page' });
  await expect(wx.switchTab({ url: '/pages/detail/detail' })).rejects.toEqual({ errMsg: 'switchTab:fail can not switch to no-tabBar page' });
  const results = [];
  wx.navigateTo({ url: 5, fail: (res) => results.push(res.errMsg) });
  expect(results).toEqual(['navigateTo:fail parameter error: parameter.url should be String instead of Number;']);
});

test('the page stack holds 10 pages', async () => {
  await wx.navigateTo({ url: '../detail/detail?id=1' }); // relative to pages/index/index
  for (let depth = 3; depth <= 10; depth++) {
    await wx.navigateTo({ url: 'detail?id=' + ((depth % 3) + 1) }); // relative to pages/detail/detail
  }
  expect(getCurrentPages().length).toBe(10);
  expect(routes().slice(0, 3)).toEqual(['pages/index/index', 'pages/detail/detail', 'pages/detail/detail']);
  await expect(wx.navigateTo({ url: '/pages/detail/detail?id=1' })).rejects.toEqual({ errMsg: 'navigateTo:fail webview count limit exceed' });
  await wx.redirectTo({ url: '/pages/detail/detail?id=3' });
  expect(getCurrentPages().length).toBe(10);
  expect(app.currentPage.options).toEqual({ id: '3' });
});

test('switchTab closes the pages above, keeps tab pages alive and runs Component pages', async () => {
  await wx.switchTab({ url: '/pages/me/me?ignored=1' });
  expect(routes()).toEqual(['pages/me/me']);
  const me = app.currentPage;
  expect(me.data.loggedIn).toBe(true);
  expect(me.data.status).toBe('signed in'); // set by the loggedIn observer
  expect(me.data.tab).toBe('profile');
  expect(me.data.shown).toBe(1);
  await wx.switchTab({ url: '/pages/index/index' });
  await wx.switchTab({ url: '/pages/me/me' });
  expect(app.currentPage).toBe(me);
  expect(me.data.shown).toBe(2);
  await app.call('onLogout');
  expect(wx.getStorageSync('token')).toBe('');
  expect(me.data.loggedIn).toBe(false);
  expect(me.data.status).toBe('signed out');
});

test('navigateTo hands an event channel to both pages', async () => {
  await wx.reLaunch({ url: '/pages/index/index' });
  const received = [];
  const { eventChannel } = await wx.navigateTo({ url: '/pages/detail/detail?id=1', events: { back: (data) => received.push(data) } });
  const opened = app.currentPage.getOpenerEventChannel();
  opened.emit('back', { from: 'detail' });
  let heard;
  opened.on('hello', (data) => (heard = data));
  eventChannel.emit('hello', 42);
  expect(received).toEqual([{ from: 'detail' }]);
  expect(heard).toBe(42);
});

test('moving the app to the background and back runs App and page onHide/onShow', async () => {
  const { app: controls } = require('wxrun');
  const seen = [];
  const page = app.currentPage;
  page.onHide = () => seen.push('page onHide');
  page.onShow = () => seen.push('page onShow');
  getApp().onHide = () => seen.push('App onHide');
  getApp().onShow = (options) => seen.push('App onShow ' + options.scene);
  wx.onAppShow(() => seen.push('wx.onAppShow'));
  controls.hide();
  controls.show({ scene: 1038 });
  await app.until(() => seen.length === 5);
  expect(seen).toEqual(['page onHide', 'App onHide', 'App onShow 1038', 'wx.onAppShow', 'page onShow']);
});

test('reLaunch unloads every page, tab pages included', async () => {
  await wx.switchTab({ url: '/pages/me/me' });
  const me = app.currentPage;
  let unloaded = false;
  me.onUnload = () => (unloaded = true);
  await wx.reLaunch({ url: '/pages/detail/detail?id=3' });
  expect(unloaded).toBe(true);
  expect(routes()).toEqual(['pages/detail/detail']);
});

test('observers fire for the field, paths under it, what holds it, and ** for anything', async () => {
  await wx.switchTab({ url: '/pages/me/me' });
  const page = app.currentPage;
  const seen = [];
  page.__wxrun.observers.push({ fields: ['a.b'], fn: (value) => seen.push(['a.b', value]) });
  page.__wxrun.observers.push({ fields: ['list[1]', 'x.**'], fn: (item, x) => seen.push(['list[1], x.**', item, x]) });
  page.setData({ a: { b: 1 } }); // replaces what holds a.b
  page.setData({ 'a.b': 2 }); // the field itself
  page.setData({ 'a.c': 3 }); // a sibling: no call
  page.setData({ 'x.y.z': 4 }); // under x
  page.setData({ list: ['p', 'q'] });
  expect(seen).toEqual([
    ['a.b', 1],
    ['a.b', 2],
    ['list[1], x.**', undefined, { y: { z: 4 } }],
    ['list[1], x.**', 'q', { y: { z: 4 } }],
  ]);
});

test('the Me page picks an avatar, uploads it, plays a tap sound and sums on a worker', async () => {
  await wx.switchTab({ url: '/pages/me/me' });
  const { device } = require('wxrun');
  await app.call('onAvatar');
  // The album's built-in photo, measured and uploaded byte for byte.
  expect(app.currentPage.data.avatar).toEqual({ width: 4, height: 3, size: 99 });
  expect(device.callsOf('InnerAudioContext.play')).toHaveLength(1);
  await app.call('onTotal');
  await app.until(() => app.currentPage.data.total !== null);
  expect(app.currentPage.data.total).toBe(49.75);
});
