// Before base library 2.10.0 the timeout option does not exist: networkTimeout applies.
const { request, API } = require('../../helpers/net');

test('the timeout option is ignored (and fail results have no errno before 2.24.0)', async () => {
  const { result } = await request({ url: API + '/delay/3000', timeout: 2500 });
  expect(result).toEqual({ errMsg: 'request:fail timeout' });
});

test('redirect: manual is not understood yet; redirects are followed', async () => {
  const { result } = await request({ url: API + '/redirect/0', redirect: 'manual' });
  expect(result.statusCode).toBe(200);
  expect(result.data.path).toBe('/echo');
});
