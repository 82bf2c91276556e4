// The assertions live in storageContract.ts, shared with the SQLite storage test.
import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import { runStorageContract } from './storageContract'

runStorageContract('memory', () => new MemoryStorage())
