// wx.cloud's files (docs/device.md, "wx.cloud"): a store of real files in the sandbox, so that
// what uploadFile takes, downloadFile gives back byte for byte.
const { sandbox } = require('wxrun');

wx.cloud.init({ env: 'files-env' });
const fs = wx.getFileSystemManager();
const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 255]).buffer;

test('a temp file uploaded, then downloaded, gives the same bytes', async () => {
  const tempPath = 'wxfile://tmp_cloud_upload.bin';
  sandbox.put(tempPath, bytes);
  const uploaded = await wx.cloud.uploadFile({ cloudPath: 'photos/a.bin', filePath: tempPath });
  expect(uploaded).toEqual({ fileID: 'cloud://files-env.wxrun-files-env/photos/a.bin', statusCode: 204, errMsg: 'cloud.uploadFile:ok' });
  const downloaded = await wx.cloud.downloadFile({ fileID: uploaded.fileID });
  expect(downloaded).toEqual({ tempFilePath: expect.stringMatching(/^wxfile:\/\/tmp_.*\.bin$/), statusCode: 200, errMsg: 'cloud.downloadFile:ok' });
  expect(downloaded.tempFilePath).not.toBe(tempPath);
  expect(Array.from(new Uint8Array(fs.readFileSync(downloaded.tempFilePath)))).toEqual([0, 1, 2, 250, 251, 252, 255]);
});

test('with callbacks the file calls return a task', async () => {
  fs.writeFileSync(wx.env.USER_DATA_PATH + '/note.txt', 'hello cloud', 'utf8');
  const result = await new Promise((resolve) => {
    const task = wx.cloud.uploadFile({ cloudPath: 'notes/note.txt', filePath: wx.env.USER_DATA_PATH + '/note.txt', success: resolve, fail: resolve });
    expect(typeof task.onProgressUpdate).toBe('function');
  });
  expect(result.fileID).toBe('cloud://files-env.wxrun-files-env/notes/note.txt');
  const back = await wx.cloud.downloadFile({ fileID: result.fileID });
  expect(fs.readFileSync(back.tempFilePath, 'utf8')).toBe('hello cloud');
});

test('getTempFileURL and deleteFile answer per file', async () => {
  const fileID = 'cloud://files-env.wxrun-files-env/photos/a.bin';
  const missing = 'cloud://files-env.wxrun-files-env/nothing.png';
  const urls = await wx.cloud.getTempFileURL({ fileList: [fileID, { fileID: missing, maxAge: 60 }] });
  expect(urls).toEqual({
    fileList: [
      { fileID, status: 0, errMsg: 'ok', tempFileURL: 'https://wxrun-files-env.tcb.qcloud.la/photos/a.bin', maxAge: 7200 },
      { fileID: missing, status: -1, errMsg: 'STORAGE_FILE_NONEXIST', errCode: -503003, tempFileURL: '', maxAge: 60 },
    ],
    errMsg: 'cloud.getTempFileURL:ok',
  });
  const deleted = await wx.cloud.deleteFile({ fileList: [fileID, missing] });
  expect(deleted.fileList.map((item) => [item.status, item.errMsg])).toEqual([[0, 'ok'], [-1, 'STORAGE_FILE_NONEXIST']]);
  await expect(wx.cloud.downloadFile({ fileID })).rejects.toEqual({
    errMsg: 'cloud.downloadFile:fail Error: errCode: -503003  | errMsg: STORAGE_FILE_NONEXIST',
    errCode: -503003,
  });
});

test('a path that leaves the store, or a file that is not there, fails', async () => {
  sandbox.put('wxfile://tmp_cloud_other.bin', bytes);
  await expect(wx.cloud.uploadFile({ cloudPath: '../escape.bin', filePath: 'wxfile://tmp_cloud_other.bin' })).rejects.toEqual({
    errMsg: 'cloud.uploadFile:fail parameter error: cloudPath "../escape.bin" should be a path such as "images/a.png", without "..";',
    errno: 1001,
  });
  const nofile = await wx.cloud.uploadFile({ cloudPath: 'x.bin', filePath: 'wxfile://tmp_not_there.bin' }).catch((res) => res);
  expect(nofile.errMsg).toMatch(/^cloud\.uploadFile:fail .*tmp_not_there\.bin/);
  await expect(wx.cloud.uploadFile({ filePath: 'wxfile://tmp_cloud_other.bin' })).rejects.toMatchObject({ errno: 1001 });
});
