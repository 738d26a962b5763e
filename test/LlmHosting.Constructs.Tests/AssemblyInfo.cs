// Every construct call goes through one jsii runtime process, which does not support concurrent clients:
// parallel test classes fail with "Unexpected error communicating with jsii-runtime".
[assembly: CollectionBehavior(DisableTestParallelization = true)]
