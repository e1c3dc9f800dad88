// Timers fire in deadline order, pass extra arguments, and can be cleared.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('deadline order, then creation order for equal deadlines', async () => {
  const order = [];
  setTimeout(() => order.push('c'), 30);
  setTimeout(() => order.push('a'), 0);
  setTimeout(() => order.push('b1'), 10);
  setTimeout(() => order.push('b2'), 10);
  await sleep(50);
  expect(order).toEqual(['a', 'b1', 'b2', 'c']);
});

test('extra arguments are passed through', async () => {
  const seen = await new Promise((resolve) => setTimeout((...args) => resolve(args), 1, 'x', 2, { y: 3 }));
  expect(seen).toEqual(['x', 2, { y: 3 }]);
});

test('clearTimeout cancels, clearInterval stops from inside the callback', async () => {
  let fired = false;
  const id = setTimeout(() => (fired = true), 5);
  clearTimeout(id);
  let ticks = 0;
  await new Promise((resolve) => {
    const interval = setInterval(() => {
      ticks++;
      if (ticks === 3) {
        clearInterval(interval);
        resolve();
      }
    }, 2);
  });
  // Timers fire in deadline order: a fourth tick (due 2 ms on) or the cleared timeout would
  // come before this one.
  await sleep(10);
  expect(fired).toBe(false);
  expect(ticks).toBe(3);
});

test('microtasks run before the next timer', async () => {
  const order = [];
  setTimeout(() => order.push('timer'), 0);
  queueMicrotask(() => order.push('microtask'));
  Promise.resolve().then(() => order.push('promise'));
  order.push('sync');
  await sleep(10);
  expect(order).toEqual(['sync', 'microtask', 'promise', 'timer']);
});

test('timer ids are numbers and a non-function callback throws', () => {
  const id = setTimeout(() => {}, 1);
  expect(typeof id).toBe('number');
  clearTimeout(id);
  expect(() => setTimeout('code', 1)).toThrow(TypeError);
});
