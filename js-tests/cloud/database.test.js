// wx.cloud.database() (docs/device.md, "wx.cloud"): an in-memory store of documents with the
// SDK's query and update commands and its result shapes.
const { device } = require('wxrun');

wx.cloud.init({ env: 'db-test' });
const db = wx.cloud.database();
const _ = db.command;

describe('add, where, get', () => {
  const books = db.collection('books');
  beforeAll(async () => {
    for (const [title, year, tags] of [
      ['Dune', 1965, ['sf']],
      ['Emma', 1815, ['novel']],
      ['Ubik', 1969, ['sf', 'novel']],
      ['Kim', 1901, []],
    ]) {
      await books.add({ data: { title, year, tags, shelf: { row: year > 1900 ? 1 : 2 } } });
    }
  });

  test('add answers the new _id, and get finds the document with the user\'s _openid', async () => {
    const added = await books.add({ data: { title: 'Solaris', year: 1961 } });
    expect(added).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{32}$/), errMsg: 'collection.add:ok' });
    const got = await books.doc(added._id).get();
    expect(got).toEqual({ data: { _id: added._id, title: 'Solaris', year: 1961, _openid: expect.any(String) }, errMsg: 'document.get:ok' });
    expect((await books.where({ _openid: '{openid}', title: 'Solaris' }).count()).total).toBe(1);
    await books.doc(added._id).remove();
  });

  test('comparison operators, and combined on one field', async () => {
    const titles = async (query) => (await books.where(query).orderBy('title', 'asc').get()).data.map((doc) => doc.title);
    expect(await titles({ year: _.gt(1900) })).toEqual(['Dune', 'Kim', 'Ubik']);
    expect(await titles({ year: _.gte(1901).and(_.lte(1965)) })).toEqual(['Dune', 'Kim']);
    expect(await titles({ year: _.lt(1900).or(_.eq(1969)) })).toEqual(['Emma', 'Ubik']);
    expect(await titles({ title: _.neq('Dune'), year: _.gt(1900) })).toEqual(['Kim', 'Ubik']);
    expect(await titles({ title: _.in(['Kim', 'Emma', 'Nobody']) })).toEqual(['Emma', 'Kim']);
    expect(await titles({ title: _.nin(['Kim', 'Emma']) })).toEqual(['Dune', 'Ubik']);
    expect(await titles({ tags: 'sf' })).toEqual(['Dune', 'Ubik']);
    expect(await titles({ 'shelf.row': 2 })).toEqual(['Emma']);
    expect(await titles({ shelf: { row: 1 }, tags: 'novel' })).toEqual(['Ubik']);
    expect(await titles({ missing: _.exists(false), year: _.exists(true), title: /^[DE]/ })).toEqual(['Dune', 'Emma']);
    expect(await titles({ title: db.RegExp({ regexp: 'u', options: 'i' }) })).toEqual(['Dune', 'Ubik']);
  });

  test('and/or of whole queries', async () => {
    const or = await books.where(_.or([{ year: _.lt(1850) }, { tags: _.size(0) }])).orderBy('year', 'asc').get();
    expect(or.data.map((doc) => doc.title)).toEqual(['Emma', 'Kim']);
    const and = await books.where(_.and([{ tags: 'sf' }, { year: _.gt(1966) }])).get();
    expect(and.data.map((doc) => doc.title)).toEqual(['Ubik']);
  });

  test('orderBy, skip, limit and field shape the result', async () => {
    const page = await books.orderBy('year', 'desc').skip(1).limit(2).field({ title: true }).get();
    expect(page).toEqual({ data: [{ _id: expect.any(String), title: 'Dune' }, { _id: expect.any(String), title: 'Kim' }], errMsg: 'collection.get:ok' });
    const without = await books.where({ title: 'Kim' }).field({ tags: false, shelf: false, _openid: false }).get();
    expect(without.data).toEqual([{ _id: expect.any(String), title: 'Kim', year: 1901 }]);
  });

  test('a get answers at most 20 documents, as on the mini-program side', async () => {
    const many = db.collection('many');
    for (let i = 0; i < 25; i++) await many.add({ data: { i } });
    expect((await many.get()).data.length).toBe(20);
    expect((await many.limit(100).get()).data.length).toBe(20);
    expect((await many.orderBy('i', 'asc').skip(20).get()).data.map((doc) => doc.i)).toEqual([20, 21, 22, 23, 24]);
    expect(await many.count()).toEqual({ total: 25, errMsg: 'collection.count:ok' });
  });

  test('calls are recorded and answer callbacks too', async () => {
    const result = await new Promise((resolve) => books.where({ title: 'Dune' }).get({ success: resolve }));
    expect(result.data[0].year).toBe(1965);
    expect(device.callsOf('collection.get').length).toBeGreaterThan(0);
  });
});

describe('update, set, remove, count', () => {
  const todos = db.collection('todos');

  test('update applies the update commands and reports what it updated', async () => {
    const { _id } = await todos.add({ data: { title: 'write', done: false, count: 1, tags: ['a'], meta: { by: 'ann', at: 1 } } });
    const updated = await todos.doc(_id).update({ data: { done: true, count: _.inc(2), tags: _.push(['b', 'c']), meta: { at: 2 }, note: _.remove(), when: db.serverDate() } });
    expect(updated).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' });
    const { data } = await todos.doc(_id).get();
    expect(data).toMatchObject({ title: 'write', done: true, count: 3, tags: ['a', 'b', 'c'], meta: { by: 'ann', at: 2 } });
    expect(data.when).toBeInstanceOf(Date);
    expect(Math.abs(data.when.getTime() - Date.now())).toBeLessThan(5000);
    await todos.doc(_id).update({ data: { meta: _.set({ by: 'bob' }), title: _.remove() } });
    const after = (await todos.doc(_id).get()).data;
    expect(after.meta).toEqual({ by: 'bob' });
    expect('title' in after).toBe(false);
    expect(await todos.doc('absent').update({ data: { done: true } })).toEqual({ stats: { updated: 0 }, errMsg: 'document.update:ok' });
  });

  test('set replaces or creates a document', async () => {
    expect(await todos.doc('fixed-id').set({ data: { title: 'new' } })).toEqual({ _id: 'fixed-id', stats: { updated: 0, created: 1 }, errMsg: 'document.set:ok' });
    expect(await todos.doc('fixed-id').set({ data: { other: 1 } })).toEqual({ _id: 'fixed-id', stats: { updated: 1, created: 0 }, errMsg: 'document.set:ok' });
    const { data } = await todos.doc('fixed-id').get();
    expect(data.other).toBe(1);
    expect('title' in data).toBe(false);
  });

  test('remove and count', async () => {
    const before = (await todos.count()).total;
    const { _id } = await todos.add({ data: { title: 'gone soon' } });
    expect((await todos.count()).total).toBe(before + 1);
    expect(await todos.doc(_id).remove()).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' });
    expect(await todos.doc(_id).remove()).toEqual({ stats: { removed: 0 }, errMsg: 'document.remove:ok' });
    expect((await todos.where({ title: 'gone soon' }).count()).total).toBe(0);
  });

  test('a missing document, a taken _id and a missing data fail as the SDK does', async () => {
    await expect(todos.doc('nope').get()).rejects.toEqual({
      errMsg: 'document.get:fail cannot find document with _id nope, please make sure that the document exists and you have the corresponding Read permission',
      errCode: -1,
    });
    await expect(todos.add({ data: { _id: 'fixed-id' } })).rejects.toMatchObject({ errCode: -502001 });
    await expect(todos.add({})).rejects.toEqual({ errMsg: 'collection.add:fail parameter error: parameter.data should be Object instead of Undefined;', errno: 1001 });
    await expect(todos.where({ at: _.geoNear({ maxDistance: 10 }) }).get()).rejects.toMatchObject({ errCode: -502002 });
    await expect(todos.doc('fixed-id').update({ data: { flags: _.bit({ and: 1 }) } })).rejects.toMatchObject({ errCode: -502002 });
  });

  test('the less common commands: min, max, rename, unshift, pullAll, mod, elemMatch', async () => {
    const { _id } = await todos.add({ data: { low: 5, high: 5, old: 'x', list: [2, 3, 2], items: [{ k: 1, v: 'a' }, { k: 2, v: 'b' }] } });
    await todos.doc(_id).update({ data: { low: _.min(3), high: _.max(4), old: _.rename('renamed'), list: _.unshift([1]) } });
    const { data } = await todos.doc(_id).get();
    expect([data.low, data.high, data.renamed, 'old' in data, data.list]).toEqual([3, 5, 'x', false, [1, 2, 3, 2]]);
    await todos.doc(_id).update({ data: { list: _.pullAll([2]) } });
    expect((await todos.doc(_id).get()).data.list).toEqual([1, 3]);
    expect((await todos.where({ low: _.mod([2, 1]), items: _.elemMatch({ k: 2, v: 'b' }) }).count()).total).toBe(1);
    expect((await todos.where({ items: _.elemMatch({ k: 2, v: 'a' }) }).count()).total).toBe(0);
  });

  test('documents handed out are copies', async () => {
    const { _id } = await todos.add({ data: { list: [1] } });
    const first = (await todos.doc(_id).get()).data;
    first.list.push(2);
    expect((await todos.doc(_id).get()).data.list).toEqual([1]);
  });
});
