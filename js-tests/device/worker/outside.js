module.exports = 'not a worker';
