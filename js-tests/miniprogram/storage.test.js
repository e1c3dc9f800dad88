// Storage: values keep their kind, the sync and async forms agree, and the phone's limits hold.
const MB = 1024 * 1024;

beforeEach(() => wx.clearStorageSync());

test('values come back as they went in, Dates and undefined included', () => {
  const when = new Date(1700000000000);
  wx.setStorageSync('object', { a: [1, 'two', { three: true }], n: null });
  wx.setStorageSync('number', 42);
  wx.setStorageSync('string', 'D is not a date');
  wx.setStorageSync('date', when);
  wx.setStorageSync('nothing', undefined);
  expect(wx.getStorageSync('object')).toEqual({ a: [1, 'two', { three: true }], n: null });
  expect(wx.getStorageSync('number')).toBe(42);
  expect(wx.getStorageSync('string')).toBe('D is not a date');
  expect(wx.getStorageSync('date')).toBeInstanceOf(Date);
  expect(wx.getStorageSync('date').getTime()).toBe(when.getTime());
  expect(wx.getStorageSync('nothing')).toBe(undefined);
});

test('a key never set reads as an empty string, and getStorage fails "data not found"', async () => {
  expect(wx.getStorageSync('missing')).toBe('');
  await expect(wx.getStorage({ key: 'missing' })).rejects.toEqual({ errMsg: 'getStorage:fail data not found' });
});

test('the async forms answer as a macrotask, with callbacks or a Promise', async () => {
  const order = [];
  await new Promise((resolve) => {
    wx.setStorage({ key: 'k', data: { v: 1 }, success: (res) => order.push(res.errMsg), complete: resolve });
    order.push('returned');
  });
  expect(order).toEqual(['returned', 'setStorage:ok']);
  const got = await wx.getStorage({ key: 'k' });
  expect(got).toEqual({ data: { v: 1 }, errMsg: 'getStorage:ok' });
  await wx.removeStorage({ key: 'k' });
  expect(wx.getStorageSync('k')).toBe('');
});

test('a non-string key is a parameter error', () => {
  const results = [];
  wx.setStorage({ key: 1, data: 1, fail: (res) => results.push(res.errMsg) });
  expect(results).toEqual(['setStorage:fail parameter error: parameter.key should be String instead of Number;']);
  expect(() => wx.setStorageSync(undefined, 1)).toThrow('setStorageSync:fail parameter error: parameter.key should be String instead of Undefined;');
});

test('an item over 1 MB is refused and nothing is stored', async () => {
  const big = 'x'.repeat(MB); // 1 MB of text is over 1 MB once quoted as JSON
  expect(() => wx.setStorageSync('big', big)).toThrow('setStorageSync:fail exceed storage item max length');
  await expect(wx.setStorage({ key: 'big', data: big })).rejects.toEqual({ errMsg: 'setStorage:fail exceed storage item max length' });
  expect(wx.getStorageSync('big')).toBe('');
  wx.setStorageSync('fits', 'x'.repeat(MB - 2));
  expect(wx.getStorageSync('fits').length).toBe(MB - 2);
});

test('the store holds 10 MB in all', () => {
  const item = 'y'.repeat(MB - 100);
  for (let i = 0; i < 10; i++) wx.setStorageSync('item' + i, item);
  expect(() => wx.setStorageSync('one-more', item)).toThrow('setStorageSync:fail exceed storage max size 10MB');
  const info = wx.getStorageInfoSync();
  expect(info.keys.length).toBe(10);
  expect(info.limitSize).toBe(10240);
  expect(info.currentSize).toBeGreaterThan(10000);
  wx.removeStorageSync('item0');
  wx.setStorageSync('one-more', item);
});

test('getStorageInfo lists keys and sizes in KB', async () => {
  wx.setStorageSync('a', 'x'.repeat(3000));
  const info = await wx.getStorageInfo();
  expect(info.errMsg).toBe('getStorageInfo:ok');
  expect(info.keys).toEqual(['a']);
  expect(info.currentSize).toBe(3);
});

test('batch forms set all or nothing and read in order', () => {
  wx.batchSetStorageSync([{ key: 'a', value: 1 }, { key: 'b', value: { two: 2 } }]);
  expect(wx.batchGetStorageSync(['b', 'missing', 'a'])).toEqual([{ two: 2 }, '', 1]);
  expect(() => wx.batchSetStorageSync([{ key: 'c', value: 3 }, { key: 'd', value: 'x'.repeat(MB + 1) }])).toThrow('batchSetStorageSync:fail exceed storage item max length');
  expect(wx.getStorageSync('c')).toBe('');
});

test('clearStorage empties the store', async () => {
  wx.setStorageSync('a', 1);
  await wx.clearStorage();
  expect(wx.getStorageInfoSync().keys).toEqual([]);
});
