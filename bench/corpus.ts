// The benchmark's input: a ~10k-line file per language, assembled from every fixture of that language
// (the D-Bus code: clients, calls, framing) interleaved with generated ordinary application code
// (config parsing, caches, file and stream I/O, event handlers) that shares the rules' words
// (`read`, `write`, `call`, `on('data')`, `new Promise`) without being D-Bus code.
import { loadFixtures } from '../test/support/fixtures';

function rustModule(i: number): string {
  return `
pub mod settings_${i} {
    use std::collections::HashMap;
    use std::fs::File;
    use std::io::{self, BufRead, BufReader, Read, Write};
    use std::sync::RwLock;

    #[derive(Debug, Clone, Default)]
    pub struct Entry${i} {
        pub key: String,
        pub value: String,
        pub line: usize,
    }

    pub struct Store${i} {
        entries: RwLock<HashMap<String, Entry${i}>>,
        path: String,
    }

    impl Store${i} {
        pub fn new(path: &str) -> Self {
            Self { entries: RwLock::new(HashMap::new()), path: path.to_string() }
        }

        pub fn load(&self) -> io::Result<usize> {
            let file = File::open(&self.path)?;
            let reader = BufReader::new(file);
            let mut count = 0;
            for (line_no, line) in reader.lines().enumerate() {
                let line = line?;
                let trimmed = line.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                if let Some((key, value)) = trimmed.split_once('=') {
                    let entry = Entry${i} { key: key.trim().into(), value: value.trim().into(), line: line_no + 1 };
                    self.entries.write().unwrap().insert(entry.key.clone(), entry);
                    count += 1;
                }
            }
            Ok(count)
        }

        pub fn get(&self, key: &str) -> Option<String> {
            self.entries.read().ok()?.get(key).map(|e| e.value.clone())
        }

        pub fn read_blob(&self, out: &mut Vec<u8>) -> io::Result<usize> {
            let mut file = File::open(&self.path)?;
            let mut chunk = [0_u8; 4096];
            let mut total = 0;
            loop {
                let n = file.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&chunk[..n]);
                total += n;
            }
            Ok(total)
        }

        pub fn save(&self) -> io::Result<()> {
            let mut file = File::create(&self.path)?;
            let entries = self.entries.read().unwrap();
            let mut keys: Vec<_> = entries.keys().cloned().collect();
            keys.sort();
            for key in keys {
                let entry = &entries[&key];
                writeln!(file, "{} = {}", entry.key, entry.value)?;
            }
            file.flush()
        }

        pub fn summary(&self) -> String {
            let entries = self.entries.read().unwrap();
            let longest = entries.values().map(|e| e.value.len()).max().unwrap_or(0);
            match entries.len() {
                0 => "empty".to_string(),
                1 => format!("one entry ({longest} bytes)"),
                n => format!("{n} entries, longest value {longest} bytes"),
            }
        }
    }

    pub fn checksum(data: &[u8]) -> u32 {
        let mut a: u32 = 1;
        let mut b: u32 = 0;
        for byte in data {
            a = (a + *byte as u32) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }
}
`;
}

function tsModule(i: number): string {
  return `
export interface Order${i} {
  id: string;
  items: { sku: string; quantity: number; price: number }[];
  createdAt: Date;
}

export class OrderService${i} {
  private readonly cache = new Map<string, Order${i}>();
  private readonly listeners: ((order: Order${i}) => void)[] = [];

  constructor(private readonly baseUrl: string) {}

  async fetchOrder(id: string): Promise<Order${i} | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const response = await fetch(\`\${this.baseUrl}/orders/\${encodeURIComponent(id)}\`);
    if (!response.ok) return undefined;
    const order = (await response.json()) as Order${i};
    this.cache.set(id, order);
    for (const listener of this.listeners) listener.call(this, order);
    return order;
  }

  total(order: Order${i}): number {
    return order.items.reduce((sum, item) => sum + item.quantity * item.price, 0);
  }

  onOrder(listener: (order: Order${i}) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      const lines = rest.split('\\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  }

  summarize(orders: Order${i}[]): string {
    const byDay = new Map<string, number>();
    for (const order of orders) {
      const day = order.createdAt.toISOString().slice(0, 10);
      byDay.set(day, (byDay.get(day) ?? 0) + this.total(order));
    }
    return [...byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, total]) => \`\${day}: \${total.toFixed(2)}\`)
      .join('\\n');
  }
}

export function debounce${i}<T extends unknown[]>(fn: (...args: T) => void, ms: number): (...args: T) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: T) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
`;
}

/** Fixture code of one language family, plus generated modules until the file has about `lines` lines. */
export function benchFile(language: 'rust' | 'typescript', lines = 10_000): string {
  const byRule = new Map<string, string[]>();
  for (const f of loadFixtures()) {
    if (language === 'rust' ? f.language !== 'rust' : f.language === 'rust') continue;
    const text = language === 'typescript' ? f.text.replace(/^\s*(?:import|const \w+ = require)\b.*$/gm, '') : f.text;
    byRule.set(f.folderRule, [...(byRule.get(f.folderRule) ?? []), text]);
  }
  // Round-robin over the rules, so every rule's D-Bus code is in the file.
  const fixtures: string[] = [];
  for (let i = 0; [...byRule.values()].some((list) => i < list.length); i++) {
    for (const list of byRule.values()) if (list[i] !== undefined) fixtures.push(list[i] ?? '');
  }
  const imports =
    language === 'typescript'
      ? `import * as net from 'node:net';\nimport { once } from 'node:events';\nimport dbus, { Message, MessageBus, MessageType } from 'dbus-next';\nconst nativeBus = require('@homebridge/dbus-native');\n`
      : '';
  const parts = [imports];
  let count = 0;
  let i = 0;
  let next = 0;
  while (count < lines) {
    // Roughly one fixture file per nine generated modules: D-Bus code is a part of an application, not all of it.
    const part =
      i % 10 === 9 && next < fixtures.length
        ? (fixtures[next++] ?? '')
        : language === 'rust'
          ? rustModule(i)
          : tsModule(i);
    parts.push(part);
    count += part.split('\n').length;
    i++;
  }
  return parts.join('\n');
}
