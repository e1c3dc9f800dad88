// Runs against mocks.json only (wxrun.json sets "offline": true):
//   wxrun run examples/mocks/profile.js
const call = (options) =>
  new Promise((resolve) => wx.request({ ...options, success: resolve, fail: resolve }));

(async () => {
  const profile = await call({ url: 'https://api.example.com/profile' });
  console.log('profile:', profile.statusCode, profile.data.name, profile.data.level);
  const ann = await call({ url: 'https://api.example.com/login', method: 'POST', data: { user: 'ann' } });
  const bob = await call({ url: 'https://api.example.com/login', method: 'POST', data: { user: 'bob' } });
  console.log('login:', ann.data.token, bob.statusCode, bob.data.error);
  const slow = await call({ url: 'https://api.example.com/slow', timeout: 500 });
  console.log('slow:', slow.errMsg);
  const unknown = await call({ url: 'https://api.example.com/orders' });
  console.log('orders:', unknown.errMsg);
  const socket = wx.connectSocket({ url: 'wss://push.example.com/feed' });
  socket.onMessage(({ data }) => {
    console.log('push:', data);
    if (data === 'hello') return;
    socket.close({});
  });
})();
