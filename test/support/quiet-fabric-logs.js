// fabric-contract-api logs every decorator at info level; tests only need errors.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'error';
