// Before base library 2.10.0 the timeout option does not exist: networkTimeout (2000 ms here)
// applies. Each case makes the two readings end differently: an option longer than the delay
// against a networkTimeout shorter than it, and the reverse.
const { request, API } = require('../../helpers/net');

test('an option longer than the delay does not save a request that networkTimeout ends (and fail results have no errno before 2.24.0)', async () => {
  const { result } = await request({ url: API + '/delay/4000', timeout: 10000 });
  expect(result).toEqual({ errMsg: 'request:fail timeout' });
});

test('an option shorter than the delay does not end a request that networkTimeout lets finish', async () => {
  const { ok, result } = await request({ url: API + '/delay/500', timeout: 100 });
  expect(ok).toBe(true);
  expect(result.statusCode).toBe(200);
});

test('uploadFile and downloadFile ignore the option too', async () => {
  const download = await new Promise((resolve) =>
    wx.downloadFile({ url: 'https://download.wxrun.test/delay/500', timeout: 100, complete: resolve }),
  );
  expect(download.errMsg).toBe('downloadFile:ok');
  require('wxrun').sandbox.put('wxfile://usr/up.txt', 'x');
  const upload = await new Promise((resolve) =>
    wx.uploadFile({ url: 'https://upload.wxrun.test/delay/500', filePath: 'wxfile://usr/up.txt', name: 'f', timeout: 100, complete: resolve }),
  );
  expect(upload.errMsg).toBe('uploadFile:ok');
});

test('redirect: manual is not understood yet; redirects are followed', async () => {
  const { result } = await request({ url: API + '/redirect/0', redirect: 'manual' });
  expect(result.statusCode).toBe(200);
  expect(result.data.path).toBe('/echo');
});
