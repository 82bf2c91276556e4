// Gives a forked Node process the shape of an Electron utility process: `process.parentPort`
// with postMessage / on('message', e => e.data). Like Electron's ParentPort, messages are queued
// until the first 'message' listener is attached. Messages ride the fork's IPC channel, wrapped so
// the test can tell they went through parentPort. Used to exercise the trainer's utility-process path.
import { EventEmitter } from 'node:events'

const port = new EventEmitter()
const queue = []
let started = false
port.on('newListener', (event) => {
  if (event !== 'message' || started) return
  started = true
  setImmediate(() => { for (const m of queue.splice(0)) port.emit('message', { data: m }) })
})
port.postMessage = (m) => process.send({ viaParentPort: true, m })
port.close = () => { if (process.connected) process.disconnect() }
process.on('message', (m) => { if (started) port.emit('message', { data: m }); else queue.push(m) })
process.parentPort = port
