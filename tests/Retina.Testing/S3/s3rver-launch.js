// Starts s3rver on 127.0.0.1 with one bucket and one key pair of the test's choosing, so signatures are really checked.
// usage: node s3rver-launch.js <node_modules> <port> <directory> <bucket> <accessKeyId> <secretAccessKey>
'use strict';
const path = require('path');
const [modules, port, directory, bucket, accessKeyId, secretAccessKey] = process.argv.slice(2);
const S3rver = require(path.join(modules, 's3rver'));
const AWSAccount = require(path.join(modules, 's3rver', 'lib', 'models', 'account'));
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
new S3rver({ address: '127.0.0.1', port: Number(port), directory, silent: true, configureBuckets: [{ name: bucket }] })
  .run()
  .then(() => console.log('ready'))
  .catch((e) => { console.error(e); process.exit(1); });
