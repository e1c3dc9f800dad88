// wxrun.json `mount` maps a host folder read-only under wxfile://usr/<name>.
const fs = wx.getFileSystemManager();

test('mounted fixture files are readable', () => {
  expect(fs.readFileSync('wxfile://usr/fixtures/sample.txt', 'utf8')).toBe('sample text\n');
  expect(fs.readdirSync('wxfile://usr/fixtures')).toEqual(['data.unknownext', 'pixel.png', 'sample.txt']);
});

test('and not writable', () => {
  let error;
  try {
    fs.writeFileSync('wxfile://usr/fixtures/new.txt', 'x');
  } catch (e) {
    error = e;
  }
  expect(error.message).toBe('writeFileSync:fail permission denied, open wxfile://usr/fixtures/new.txt (a read-only mount)');
  expect(error.errno).toBe(1300013);
});

test('and no way out through ..', () => {
  expect(() => fs.readFileSync('wxfile://usr/fixtures/../../../../etc/passwd')).toThrow('permission denied');
});
