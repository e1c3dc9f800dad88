// UDP broadcast, run inside the namespace of crates/wxrun/tests/mdns_netns.rs (loopback only),
// where even 255.255.255.255 cannot leave the machine.
test('broadcast reaches listeners with setBroadcast, and is refused without it', async () => {
  const receiver = wx.createUDPSocket();
  const port = receiver.bind();
  const sender = wx.createUDPSocket();
  sender.bind();
  const errors = [];
  sender.onError((e) => errors.push(e.errMsg));
  const got = new Promise((resolve) => receiver.onMessage((m) => resolve(String.fromCharCode(...new Uint8Array(m.message)))));
  sender.send({ address: '127.255.255.255', port, message: 'no flag' });
  sender.send({ address: '127.255.255.255', port, message: 'to the subnet', setBroadcast: true });
  expect(await got).toBe('to the subnet');
  expect(errors).toEqual(['send:fail broadcast needs setBroadcast: true (127.255.255.255:' + port + ')']);
  sender.close();
  receiver.close();
});
