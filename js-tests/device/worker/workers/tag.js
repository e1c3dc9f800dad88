exports.tag = 'from the worker';
