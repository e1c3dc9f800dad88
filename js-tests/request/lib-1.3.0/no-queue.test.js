// Before base library 1.4.0 there is no queue: the task beyond the pool fails (and fail results
// carry no errno before 2.24.0).
const { request, API } = require('../../helpers/net');

test('the eleventh request fails with "exceed max task count"', async () => {
  const running = [];
  for (let i = 0; i < 10; i++) running.push(request({ url: API + '/delay/300' }));
  const { ok, result } = await request({ url: API + '/echo' });
  expect(ok).toBe(false);
  expect(result).toEqual({ errMsg: 'request:fail exceed max task count' });
  expect((await Promise.all(running)).every((r) => r.ok)).toBe(true);
});
