// bindWifi on an Android 9 device (wxrun.json `device`): too old (errCode 6).
const { recorded } = require('../../helpers/tcp');

test('bindWifi needs Android 10', async () => {
  const { socket, next } = recorded();
  socket.bindWifi({ BSSID: 'aa:bb:cc:dd:ee:ff' });
  expect(await next('error')).toEqual({ errMsg: 'bindWifi:fail bindWifi needs Android 10 or newer, the device runs Android 9', errCode: 6 });
});
