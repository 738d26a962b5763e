// Every construct call goes through one jsii runtime process, which does not support concurrent clients (parallel
// classes that use it fail with "Unexpected error communicating with jsii-runtime"). So the classes without a collection
// share one (CollectionPerAssembly) and run one after another, and so do the named collections that use constructs
// (DisableParallelization on their definitions: they run after the others, one at a time). Only the collections of
// the app command's tests (ProcessCollections.Names), which run the app and the launcher as processes, run beside
// them, so that their waits use the second core. ProcessCollectionsTests keeps it that way.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly, MaxParallelThreads = 2)]
