// Spec 6: wx.downloadFile and DownloadTask.
const { sandbox, takeWarnings } = require('wxrun');

const DL = 'https://download.wxrun.test';
const fs = wx.getFileSystemManager();

function download(options) {
  return new Promise((resolve) => {
    const calls = [];
    let task;
    task = wx.downloadFile(
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

test('saves to a new temp file, extension from the URL path', async () => {
  const { ok, result } = await download({ url: DL + '/bytes/3000?x=1' });
  expect(ok).toBe(true);
  expect(result.statusCode).toBe(200);
  expect(result.errMsg).toBe('downloadFile:ok');
  expect(result.tempFilePath).toMatch(/^wxfile:\/\/tmp_[0-9a-f]+$/);
  expect(fs.statSync(result.tempFilePath).size).toBe(3000);
  const png = await download({ url: DL + '/bytes/10/picture.PNG?size=large' });
  expect(png.result.tempFilePath).toMatch(/^wxfile:\/\/tmp_[0-9a-f]+\.png$/);
  const named = await download({ url: DL + '/text?body=hi&type=image/png' });
  expect(named.result.tempFilePath).toMatch(/\.png$/);
  const json = await download({ url: DL + '/json/1' });
  expect(json.result.tempFilePath).toMatch(/\.json$/);
  expect(JSON.parse(fs.readFileSync(json.result.tempFilePath, 'utf8'))).toEqual([{ id: 0, name: 'item 0', ok: true }]);
});

test('the fixed Referer is sent; one from the script is dropped, with a warning', async () => {
  const { result } = await download({ url: DL + '/echo', header: { Referer: 'https://evil.example/', 'X-Kept': 'yes' } });
  const sent = JSON.parse(fs.readFileSync(result.tempFilePath, 'utf8')).headers;
  expect(sent.referer).toBe('https://servicewechat.com/touristappid/0/page-frame.html');
  expect(sent['x-kept']).toBe('yes');
  expect(takeWarnings().map((w) => w.code)).toEqual(['referer']);
});

test('any status is saved, as success', async () => {
  const { ok, result } = await download({ url: DL + '/status/404' });
  expect(ok).toBe(true);
  expect(result.statusCode).toBe(404);
  expect(fs.readFileSync(result.tempFilePath, 'utf8')).toBe('status 404');
});

test('filePath under USER_DATA_PATH gives filePath; elsewhere: permission denied (603303), synchronously', async () => {
  fs.mkdirSync('wxfile://usr/downloads', true);
  const target = 'wxfile://usr/downloads/file.bin';
  const { ok, result } = await download({ url: DL + '/bytes/500', filePath: target });
  expect(ok).toBe(true);
  expect(result).toEqual({ filePath: target, statusCode: 200, errMsg: 'downloadFile:ok' });
  expect(fs.statSync(target).size).toBe(500);
  for (const bad of ['wxfile://tmp_x.bin', '/tmp/x.bin', 'wxfile://usr/../x', 'wxfile://usr/downloads']) {
    const calls = [];
    const returned = wx.downloadFile({ url: DL + '/bytes/1', filePath: bad, fail: (e) => calls.push(e), complete: () => calls.push('complete') });
    expect(returned).toBeUndefined();
    expect(calls).toEqual([{ errMsg: 'downloadFile:fail permission denied', errno: 603303 }, 'complete']);
  }
});

test('the file appears at its path only when complete', async () => {
  fs.mkdirSync('wxfile://usr/slow', true);
  const target = 'wxfile://usr/slow/slow.bin';
  // The server sends the first 4000 bytes, then waits 30 s: the check at the first progress
  // event runs while the body is surely still arriving.
  let seenMidway;
  const stopped = await download({
    url: DL + '/bytes/40000?chunk=4000&interval=30000',
    filePath: target,
    onTask: (task) =>
      task.onProgressUpdate(() => {
        if (seenMidway !== undefined) return;
        seenMidway = fs.readdirSync('wxfile://usr/slow').includes('slow.bin');
        task.abort();
      }),
  });
  expect(stopped.result).toEqual({ errMsg: 'downloadFile:fail abort' });
  expect(seenMidway).toBe(false);
  const { ok } = await download({ url: DL + '/bytes/40000?chunk=4000', filePath: target });
  expect(ok).toBe(true);
  expect(fs.statSync(target).size).toBe(40000);
  expect(fs.readdirSync('wxfile://usr/slow')).toEqual(['slow.bin']);
});

test('progress: integer percents as they change, the last one 100', async () => {
  const events = [];
  const { ok } = await download({
    url: DL + '/bytes/100000?chunk=10000&interval=5',
    onTask: (task) => task.onProgressUpdate((p) => events.push(p)),
  });
  expect(ok).toBe(true);
  expect(events.length).toBeGreaterThanOrEqual(5);
  const percents = events.map((e) => e.progress);
  expect(percents.every((p, i) => Number.isInteger(p) && (i === 0 || p > percents[i - 1]))).toBe(true);
  expect(events[events.length - 1]).toEqual({ progress: 100, totalBytesWritten: 100000, totalBytesExpectedToWrite: 100000 });
});

test('unknown length: progress 0 and expected 0, at most every 100 ms', async () => {
  const events = [];
  await download({
    url: DL + '/bytes/50000?chunked=1&chunk=5000&interval=40',
    onTask: (task) => task.onProgressUpdate((p) => events.push(p)),
  });
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events.length).toBeLessThanOrEqual(6);
  expect(events.every((e) => e.progress === 0 && e.totalBytesExpectedToWrite === 0)).toBe(true);
  expect(events[events.length - 1].totalBytesWritten).toBeGreaterThan(0);
});

test('offProgressUpdate and onHeadersReceived', async () => {
  let progress = 0;
  let headers;
  const listener = () => progress++;
  await download({
    url: DL + '/bytes/20000?chunk=2000&interval=2',
    onTask: (task) => {
      task.onProgressUpdate(listener);
      task.offProgressUpdate(listener);
      task.onHeadersReceived((h) => (headers = h));
    },
  });
  expect(progress).toBe(0);
  expect(headers.statusCode).toBe(200);
  expect(headers.header['Content-Length']).toBe('20000');
});

test('abort while running: fail with abort, no file left', async () => {
  fs.mkdirSync('wxfile://usr/aborted', true);
  const { result } = await download({
    url: DL + '/bytes/200000?chunk=2000&interval=20',
    filePath: 'wxfile://usr/aborted/x.bin',
    onTask: (task) => task.onProgressUpdate(() => task.abort()),
  });
  expect(result).toEqual({ errMsg: 'downloadFile:fail abort' });
  // The partial file is gone before fail is called.
  expect(fs.readdirSync('wxfile://usr/aborted')).toEqual([]);
});

test('a broken body fails like a request and leaves no file', async () => {
  fs.mkdirSync('wxfile://usr/broken', true);
  const { result } = await download({ url: DL + '/bytes/5000?fault=truncate', filePath: 'wxfile://usr/broken/x.bin' });
  expect(result).toEqual({ errMsg: 'downloadFile:fail -355:net::ERR_INCOMPLETE_CHUNKED_ENCODING', errno: 600001 });
  expect(fs.readdirSync('wxfile://usr/broken')).toEqual([]);
});

test('downloaddomain is its own list', async () => {
  const { result } = await download({ url: 'https://api.wxrun.test/bytes/10' });
  expect(result).toEqual({ errMsg: 'downloadFile:fail url not in domain list', errno: 600002 });
});

test('parameter errors are synchronous', () => {
  const calls = [];
  expect(wx.downloadFile({ url: 1, fail: (e) => calls.push(e.errMsg) })).toBeUndefined();
  expect(wx.downloadFile({ url: 'ftp://x', fail: (e) => calls.push(e.errMsg) })).toBeUndefined();
  expect(calls).toEqual(['downloadFile:fail parameter error: parameter.url should be String instead of Number;', 'downloadFile:fail invalid url "ftp://x"']);
});

// Calls that never answer fill a pool; each blocker is aborted at the end. A call that shared
// a full pool would wait behind them until the test times out.
function blockers(count, start) {
  const tasks = [];
  const done = [];
  for (let i = 0; i < count; i++) {
    done.push(new Promise((resolve) => tasks.push(start(resolve))));
  }
  return {
    release: () => {
      tasks.forEach((task) => task.abort());
      return Promise.all(done);
    },
  };
}

test('request, uploadFile and downloadFile have their own pools of 10', async () => {
  sandbox.put('wxfile://usr/pool.txt', 'x');
  const stalledUpload = (complete) =>
    wx.uploadFile({ url: 'https://upload.wxrun.test/upload?fault=stall', filePath: 'wxfile://usr/pool.txt', name: 'f', complete });
  const uploadOk = () =>
    new Promise((resolve) => wx.uploadFile({ url: 'https://upload.wxrun.test/upload', filePath: 'wxfile://usr/pool.txt', name: 'f', complete: resolve }));
  const requests = blockers(10, (complete) => wx.request({ url: 'https://api.wxrun.test/echo?fault=stall', complete }));
  const downloads = blockers(10, (complete) => wx.downloadFile({ url: DL + '/bytes/10?fault=stall', complete }));
  expect((await uploadOk()).errMsg).toBe('uploadFile:ok');
  await downloads.release();
  const uploads = blockers(10, stalledUpload);
  const { ok } = await download({ url: DL + '/bytes/10' });
  expect(ok).toBe(true);
  const released = await Promise.all([requests.release(), uploads.release()]);
  expect(released.flat().map((r) => r.errMsg)).toEqual([...Array(10).fill('request:fail abort'), ...Array(10).fill('uploadFile:fail abort')]);
});

test('a fixture file put into the sandbox', () => {
  sandbox.put('wxfile://usr/put.txt', 'fixture');
  expect(fs.readFileSync('wxfile://usr/put.txt', 'utf8')).toBe('fixture');
});

test('transfers share the timeout and background rules of requests', async () => {
  const slow = await download({ url: DL + '/bytes/10?fault=stall', timeout: 300 });
  expect(slow.result).toEqual({ errMsg: 'downloadFile:fail timeout', errno: 5 });
  const { app } = require('wxrun');
  app.hide();
  try {
    const hidden = await download({ url: DL + '/bytes/10' });
    expect(hidden.result).toEqual({ errMsg: 'downloadFile:fail interrupted', errno: 600003 });
    sandbox.put('wxfile://usr/bg.txt', 'x');
    const upload = await new Promise((resolve) => wx.uploadFile({ url: 'https://upload.wxrun.test/upload', filePath: 'wxfile://usr/bg.txt', name: 'f', complete: resolve }));
    expect(upload).toEqual({ errMsg: 'uploadFile:fail interrupted', errno: 600003 });
  } finally {
    app.show();
  }
});
