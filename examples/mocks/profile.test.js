// The same mocks, from a test; a test can add rules of its own with require('wxrun').mock.
//   wxrun test examples/mocks
const { mock } = require('wxrun');

const call = (options) =>
  new Promise((resolve) => wx.request({ ...options, success: resolve, fail: resolve }));

test('the profile comes from mocks.json', async () => {
  const res = await call({ url: 'https://api.example.com/profile' });
  expect(res.data).toEqual({ name: 'Ann', level: 3 });
});

test('a rule added in a test wins over the file, for that test only', async () => {
  mock({ url: 'https://api.example.com/profile', response: { status: 503, body: 'maintenance' } });
  const res = await call({ url: 'https://api.example.com/profile' });
  expect(res.statusCode).toBe(503);
});

test('after that test the file answers again', async () => {
  const res = await call({ url: 'https://api.example.com/profile' });
  expect(res.statusCode).toBe(200);
});
