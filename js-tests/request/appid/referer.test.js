// The Referer carries the project's appid and the configured version.
const { request, API } = require('../../helpers/net');

test('Referer: https://servicewechat.com/{appid}/{version}/page-frame.html', async () => {
  const { result } = await request({ url: API + '/echo' });
  expect(result.data.headers.referer).toBe('https://servicewechat.com/wxreferer01/devtools/page-frame.html');
});
