import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import { runStorageContract } from './storageContract'

runStorageContract('memory', () => new MemoryStorage())
