// The album of the profile's mediaFolder (this folder's wxrun.json): the choosers pick real
// files, copied into temp files, and what they pick uploads byte for byte.
const { device } = require('wxrun');

const UP = 'https://upload.wxrun.test';
const DL = 'https://download.wxrun.test';
const BEACH = { size: 131, sha256: '2869e2f0bd0e0c7a0fa1ac8bae959e7c7a23ded1bf4e685c63246fd2c3733fe3' };

afterEach(() => device.reset());

test('chooseImage picks the images by name, copies them into temp files, and they upload', async () => {
  const chosen = await wx.chooseImage({ count: 9 });
  expect(chosen.errMsg).toBe('chooseImage:ok');
  expect(chosen.tempFiles.map((file) => file.size)).toEqual([131, 35]);
  expect(chosen.tempFilePaths).toEqual(chosen.tempFiles.map((file) => file.path));
  for (const path of chosen.tempFilePaths) expect(path).toMatch(/^wxfile:\/\/tmp_\w+\.(png|gif)$/);
  // The copy is a file like any other.
  const fs = wx.getFileSystemManager();
  expect(fs.statSync(chosen.tempFilePaths[0]).size).toBe(131);
  // uploadFile hands back its task, never a Promise.
  const uploaded = await new Promise((resolve, reject) => wx.uploadFile({ url: UP + '/upload', filePath: chosen.tempFilePaths[0], name: 'photo', success: resolve, fail: reject }));
  const part = JSON.parse(uploaded.data).parts[0];
  expect(part).toMatchObject({ name: 'photo', contentType: 'image/png', size: BEACH.size, sha256: BEACH.sha256 });
});

test('count limits the pick; each pick is a new copy', async () => {
  const first = await wx.chooseImage({ count: 1 });
  const second = await wx.chooseImage({ count: 1 });
  expect(first.tempFiles).toHaveLength(1);
  expect(first.tempFilePaths[0]).not.toBe(second.tempFilePaths[0]);
});

test('getImageInfo reads the size from the file; compressImage gives a new copy', async () => {
  const { tempFilePaths } = await wx.chooseImage({});
  expect(await wx.getImageInfo({ src: tempFilePaths[0] })).toEqual({ width: 7, height: 5, type: 'png', orientation: 'up', path: tempFilePaths[0], errMsg: 'getImageInfo:ok' });
  expect((await wx.getImageInfo({ src: tempFilePaths[1] })).type).toBe('gif');
  const compressed = await wx.compressImage({ src: tempFilePaths[1] });
  expect(compressed.tempFilePath).not.toBe(tempFilePaths[1]);
  expect((await wx.getImageInfo({ src: compressed.tempFilePath })).width).toBe(3);
  await expect(wx.getImageInfo({ src: 'wxfile://tmp_none.png' })).rejects.toMatchObject({ errMsg: expect.stringMatching(/^getImageInfo:fail no such file or directory/) });
});

test('a network image is downloaded first, under downloadFile\'s rules', async () => {
  await expect(wx.getImageInfo({ src: DL + '/bytes/100' })).rejects.toEqual({ errMsg: 'getImageInfo:fail invalid image' });
  await expect(wx.getImageInfo({ src: 'https://not-listed.example.com/a.png' })).rejects.toMatchObject({ errMsg: expect.stringMatching(/^getImageInfo:fail url not in domain list/) });
});

test('chooseMedia, chooseVideo and chooseMessageFile pick by kind', async () => {
  const mixed = await wx.chooseMedia({ count: 9 });
  expect(mixed.type).toBe('mix');
  expect(mixed.tempFiles.map((file) => [file.fileType, file.size, file.width, file.height])).toEqual([
    ['image', 131, 7, 5],
    ['image', 35, 3, 2],
    ['video', 28, 0, 0],
  ]);
  expect((await wx.chooseMedia({ mediaType: ['video'] })).type).toBe('video');
  const video = await wx.chooseVideo({});
  expect(video.size).toBe(28);
  expect(video.tempFilePath).toMatch(/\.mp4$/);
  const files = await wx.chooseMessageFile({ count: 10, type: 'all' });
  expect(files.tempFiles.map((file) => [file.name, file.type])).toEqual([
    ['1-beach.png', 'image'],
    ['2-cat.gif', 'image'],
    ['3-clip.mp4', 'video'],
    ['notes.txt', 'file'],
  ]);
  expect((await wx.chooseMessageFile({ count: 1, type: 'file' })).tempFiles[0].name).toBe('1-beach.png');
});

test('a scripted answer replaces the pick; saving asks for the album scope', async () => {
  device.respond('chooseImage', { fail: 'chooseImage:fail cancel' });
  await expect(wx.chooseImage({})).rejects.toEqual({ errMsg: 'chooseImage:fail cancel' });
  expect(await wx.saveImageToPhotosAlbum({ filePath: 'wxfile://tmp_x.png' })).toEqual({ errMsg: 'saveImageToPhotosAlbum:ok' });
  expect((await wx.getSetting()).authSetting['scope.writePhotosAlbum']).toBe(true);
});
