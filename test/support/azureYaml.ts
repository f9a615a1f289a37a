export type YamlValue = string | { [key: string]: YamlValue };

/** Enough YAML for azure.yaml: nested mappings, scalars and `|` block scalars (no lists, no flow style). */
export function parseYamlSubset(content: string): Record<string, YamlValue> {
  const root: Record<string, YamlValue> = {};
  const stack: { indent: number; node: Record<string, YamlValue> }[] = [{ indent: -1, node: root }];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = /^(\s*)([\w.-]+):\s*(.*?)\s*$/.exec(line);
    if (!m) throw new Error(`unsupported YAML line ${i + 1}: ${line}`);
    const indent = m[1]!.length;
    while (stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.node;
    const value = m[3]!;
    if (value === '|') {
      const block: string[] = [];
      while (
        i + 1 < lines.length &&
        (/^\s*$/.test(lines[i + 1]!) || /^(\s*)/.exec(lines[i + 1]!)![1]!.length > indent)
      )
        block.push(lines[++i]!.trim());
      parent[m[2]!] = block.join('\n');
    } else if (value === '') {
      const child: Record<string, YamlValue> = {};
      parent[m[2]!] = child;
      stack.push({ indent, node: child });
    } else parent[m[2]!] = value.replace(/^(['"])(.*)\1$/, '$2');
  }
  return root;
}
