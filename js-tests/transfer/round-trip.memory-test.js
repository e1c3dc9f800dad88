// A 100 MB file downloaded, uploaded back, and compared by hash on the server: both directions
// stream through the file on disk. Run by crates/wxrun/tests/transfer_memory.rs, which holds the
// run's peak memory far below the file's size (so this file is not matched by *.test.js).
const MB100 = 100 * 1024 * 1024;

function call(api, options) {
  return new Promise((resolve, reject) => wx[api](Object.assign({}, options, { success: resolve, fail: reject })));
}

test('100 MB down and up, same SHA-256', async () => {
  const expected = JSON.parse((await call('request', { url: 'https://api.wxrun.test/sha256/' + MB100, dataType: 'text' })).data).sha256;
  const down = await call('downloadFile', { url: 'https://download.wxrun.test/bytes/' + MB100 + '?chunk=1048576' });
  expect(wx.getFileSystemManager().statSync(down.tempFilePath).size).toBe(MB100);
  const up = await call('uploadFile', { url: 'https://upload.wxrun.test/upload', filePath: down.tempFilePath, name: 'file' });
  const part = JSON.parse(up.data).parts[0];
  expect(part.size).toBe(MB100);
  expect(part.sha256).toBe(expected);
}, 60000);
