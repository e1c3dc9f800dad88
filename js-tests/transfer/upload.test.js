// Spec 5: wx.uploadFile and UploadTask.
const { sandbox, takeWarnings } = require('wxrun');

const UP = 'https://upload.wxrun.test';

function upload(options) {
  return new Promise((resolve) => {
    const calls = [];
    let task;
    task = wx.uploadFile(
      Object.assign({}, options, {
        success: () => calls.push('success'),
        fail: () => calls.push('fail'),
        complete: (result) => {
          calls.push('complete');
          resolve({ ok: calls[0] === 'success', result, calls, task });
        },
      }),
    );
    if (options.onTask) options.onTask(task);
  });
}

sandbox.put('wxfile://usr/up/photo.png', new Uint8Array([137, 80, 78, 71, 1, 2, 3]).buffer);
sandbox.put('wxfile://usr/up/data.weird', 'abc');

test('multipart: formData fields first, in order, then the file with its name and type', async () => {
  const { ok, result } = await upload({
    url: UP + '/upload',
    filePath: 'wxfile://usr/up/photo.png',
    name: 'image',
    formData: { user: 'wx', n: 42, obj: { a: 1 } },
  });
  expect(ok).toBe(true);
  expect(result.errMsg).toBe('uploadFile:ok');
  expect(result.statusCode).toBe(200);
  expect(typeof result.data).toBe('string');
  const seen = JSON.parse(result.data);
  expect(seen.contentType).toMatch(/^multipart\/form-data; boundary=/);
  expect(seen.parts).toEqual([
    { name: 'user', value: 'wx' },
    { name: 'n', value: '42' },
    { name: 'obj', value: '[object Object]' },
    { name: 'image', filename: 'photo.png', contentType: 'image/png', size: 7, sha256: 'cdf3cefe7ec6253d1cb4828ab654da6beb8a4727daac0c49dbf26bedf5887f79' },
  ]);
  expect(takeWarnings().map((w) => w.code)).toEqual(['header-value']);
});

test('an unknown extension is application/octet-stream; data is never parsed; any status succeeds', async () => {
  const { result } = await upload({ url: UP + '/upload', filePath: 'wxfile://usr/up/data.weird', name: 'f' });
  expect(JSON.parse(result.data).parts[0].contentType).toBe('application/octet-stream');
  const json = await upload({ url: UP + '/json/1', filePath: 'wxfile://usr/up/data.weird', name: 'f' });
  expect(json.result.data).toBe('[{"id":0,"name":"item 0","ok":true}]');
  const failed = await upload({ url: UP + '/status/500', filePath: 'wxfile://usr/up/data.weird', name: 'f' });
  expect(failed.ok).toBe(true);
  expect(failed.result.statusCode).toBe(500);
});

test('the fixed headers are sent; the script cannot set the content type', async () => {
  const { result } = await upload({ url: UP + '/echo', filePath: 'wxfile://usr/up/data.weird', name: 'f', header: { 'Content-Type': 'text/plain', 'X-Mine': 'yes' } });
  const sent = JSON.parse(result.data);
  expect(sent.method).toBe('POST');
  expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  expect(sent.headers['x-mine']).toBe('yes');
  expect(sent.headers.referer).toBe('https://servicewechat.com/touristappid/0/page-frame.html');
});

test('a missing file: file not found, later', async () => {
  const { ok, result, calls } = await upload({ url: UP + '/upload', filePath: 'wxfile://usr/up/none.png', name: 'f' });
  expect(ok).toBe(false);
  expect(result.errMsg).toBe('uploadFile:fail file not found');
  expect(calls).toEqual(['fail', 'complete']);
});

test('url, filePath and name must be strings (synchronous parameter errors)', () => {
  for (const [options, field, type] of [
    [{ filePath: 'a', name: 'b' }, 'url', 'Undefined'],
    [{ url: UP, name: 'b' }, 'filePath', 'Undefined'],
    [{ url: UP, filePath: 'a', name: 3 }, 'name', 'Number'],
  ]) {
    const calls = [];
    expect(wx.uploadFile(Object.assign(options, { fail: (e) => calls.push(e.errMsg) }))).toBeUndefined();
    expect(calls).toEqual(['uploadFile:fail parameter error: parameter.' + field + ' should be String instead of ' + type + ';']);
  }
});

test('header or formData that is not an object is dropped with a warning', async () => {
  const warnings = [];
  const original = console.warn;
  console.warn = (text) => warnings.push(text);
  let pending;
  try {
    pending = upload({ url: UP + '/upload', filePath: 'wxfile://usr/up/data.weird', name: 'f', header: 'x', formData: [1] });
  } finally {
    console.warn = original;
  }
  const { ok, result } = await pending;
  expect(ok).toBe(true);
  expect(warnings).toEqual(['uploadFile: header must be an object', 'uploadFile: formData must be an object']);
  expect(JSON.parse(result.data).parts.map((p) => p.name)).toEqual(['f']);
});

test('progress up to 100 of the whole body; abort', async () => {
  const big = new Uint8Array(300000).map((_, i) => i % 256);
  sandbox.put('wxfile://usr/up/big.bin', big.buffer);
  const events = [];
  const { ok } = await upload({
    url: UP + '/upload',
    filePath: 'wxfile://usr/up/big.bin',
    name: 'f',
    onTask: (task) => task.onProgressUpdate((p) => events.push(p)),
  });
  expect(ok).toBe(true);
  const last = events[events.length - 1];
  expect(last.progress).toBe(100);
  expect(last.totalBytesSent).toBe(last.totalBytesExpectedToSend);
  expect(last.totalBytesExpectedToSend).toBeGreaterThan(300000);
  const aborted = await upload({
    url: UP + '/delay/2000',
    filePath: 'wxfile://usr/up/data.weird',
    name: 'f',
    onTask: (task) => setTimeout(() => task.abort(), 50),
  });
  expect(aborted.result).toEqual({ errMsg: 'uploadFile:fail abort' });
});

test('uploaddomain is its own list', async () => {
  const { result } = await upload({ url: 'https://api.wxrun.test/upload', filePath: 'wxfile://usr/up/data.weird', name: 'f' });
  expect(result).toEqual({ errMsg: 'uploadFile:fail url not in domain list', errno: 600002 });
});
