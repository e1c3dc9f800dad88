// bindWifi on an Android 13 device (wxrun.json `device`): the BSSID must look like one (errCode
// 3); a well-formed one names a network the simulated device is not on (errCode 4).
const { recorded } = require('../../helpers/tcp');

test('bindWifi checks the BSSID, then fails as a system error; onBindWifi never fires', async () => {
  const { socket, next } = recorded();
  let bound = 0;
  socket.onBindWifi(() => bound++);
  socket.bindWifi({ BSSID: 'aa:bb:cc:dd:ee' });
  expect(await next('error')).toEqual({ errMsg: 'bindWifi:fail invalid BSSID "aa:bb:cc:dd:ee"', errCode: 3 });
  socket.bindWifi({});
  expect(await next('error')).toEqual({ errMsg: 'bindWifi:fail invalid BSSID undefined', errCode: 3 });
  socket.bindWifi({ BSSID: 'AA:bb:cc:dd:ee:0f' });
  expect(await next('error')).toEqual({
    errMsg: 'bindWifi:fail system error: the device is not on the Wi-Fi network AA:bb:cc:dd:ee:0f',
    errCode: 4,
  });
  expect(bound).toBe(0);
});
