// Rules from a file named in wxrun.json ("mock"), with "offline": true: what no rule answers
// fails without reaching the test servers, which are running.
const { API, request } = require('../../helpers/net');

test('a rule answers from a file next to the rules', async () => {
  const { result } = await request({ url: API + '/config' });
  expect(result.data).toEqual({ theme: 'dark', features: ['a', 'b'] });
  expect(result.header['Content-Type']).toBe('application/json');
});

test('the first rule whose body predicate holds answers', async () => {
  const ann = await request({ url: API + '/login', method: 'POST', data: { user: 'ann', remember: true } });
  expect(ann.result.data).toEqual({ token: 't-1' });
  const bob = await request({ url: API + '/login', method: 'POST', data: { user: 'bob' } });
  expect(bob.result.statusCode).toBe(401);
});

test('offline: a call no rule answers fails, although the server is up', async () => {
  const { ok, result } = await request({ url: API + '/echo' });
  expect(ok).toBe(false);
  expect(result.errMsg).toBe('request:fail no mock rule matches https://api.wxrun.test/echo (offline)');
});
