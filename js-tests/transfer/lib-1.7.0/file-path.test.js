// Before base library 1.8.0 downloadFile has no filePath option: it is ignored, so the file is
// saved to a temp path and a filePath outside USER_DATA_PATH is no error.
function download(options) {
  return new Promise((resolve) => wx.downloadFile(Object.assign({}, options, { complete: resolve })));
}

test('filePath is ignored: the result has a tempFilePath, never filePath', async () => {
  for (const filePath of ['wxfile://usr/kept.bin', '/tmp/outside.bin']) {
    const result = await download({ url: 'https://download.wxrun.test/bytes/10', filePath });
    expect(Object.keys(result).sort()).toEqual(['errMsg', 'statusCode', 'tempFilePath']);
    expect(result.errMsg).toBe('downloadFile:ok');
    expect(result.tempFilePath).toMatch(/^wxfile:\/\/tmp_[0-9a-f]+$/);
  }
});
