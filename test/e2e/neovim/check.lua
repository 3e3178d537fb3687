-- Headless Neovim 0.7 as a second LSP client of dbus-lint, driven by ../neovim.test.ts.
-- $DBUS_LINT_NVIM_PLAN names a JSON plan: { config, timeoutMs, files = { { path, line, fixedLine } } }.
-- `config` is the init.lua block from docs/neovim.md (the user's setup, run as is). For each file: open it
-- (the FileType autocmd attaches the server), wait for dbus-lint's diagnostics, report them, replace `line`
-- with `fixedLine` (a real fix), wait until the diagnostics clear, report. Then stop the server.
-- One record per stdout line: KIND <json>. (In --headless, print() goes to stderr without a newline.)
local plan = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('DBUS_LINT_NVIM_PLAN')), '\n'))

local function emit(kind, value)
  io.stdout:write(kind .. ' ' .. vim.fn.json_encode(value) .. '\n')
end

local function fail(message)
  emit('FAIL', { message = message })
  vim.cmd('cquit 1')
end

-- -u NONE skips filetype detection, which init.lua setups get from the defaults.
vim.cmd('filetype on')
dofile(plan.config)

local function dbus_lint_client()
  for _, client in ipairs(vim.lsp.get_active_clients()) do
    if client.name == 'dbus-lint' then return client end
  end
end

-- 0.7 keeps the LSP code in user_data.lsp; later versions also set d.code.
local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function ours(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'dbus-lint' then
      table.insert(out, { line = d.lnum + 1, col = d.col + 1, code = code_of(d), source = d.source, severity = d.severity, message = d.message })
    end
  end
  return out
end

for _, file in ipairs(plan.files) do
  vim.cmd('edit ' .. vim.fn.fnameescape(file.path))
  local bufnr = vim.api.nvim_get_current_buf()
  if not vim.wait(plan.timeoutMs, function() return #ours(bufnr) > 0 end, 20) then
    fail(('no dbus-lint diagnostics for %s within %d ms (filetype %q, client %s)'):format(
      file.path, plan.timeoutMs, vim.bo[bufnr].filetype, tostring(dbus_lint_client() ~= nil)))
  end
  emit('FOUND', { path = file.path, filetype = vim.bo[bufnr].filetype, diagnostics = ours(bufnr) })

  -- The code actions a user gets from vim.lsp.buf.code_action() on the first finding's line: the same
  -- context (the line's diagnostics converted back to LSP, as 0.7's code_action() sends them).
  local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, vim.diagnostic.get(bufnr)[1].lnum)
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = line_diagnostics[1].range,
    context = { diagnostics = line_diagnostics },
  }, plan.timeoutMs) or {}
  local titles = {}
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do table.insert(titles, action.title) end
  end
  emit('ACTIONS', { path = file.path, titles = titles })

  vim.api.nvim_buf_set_lines(bufnr, file.line - 1, file.line, false, { file.fixedLine })
  local cleared = vim.wait(plan.timeoutMs, function() return #ours(bufnr) == 0 end, 20)
  emit('EDITED', { path = file.path, cleared = cleared, diagnostics = ours(bufnr) })
end

local client = dbus_lint_client()
if not client then fail('no dbus-lint client is running') end
emit('CLIENT', { attached = #vim.lsp.get_buffers_by_client_id(client.id) })
vim.lsp.stop_client(client.id)
local stopped = vim.wait(plan.timeoutMs, function() return vim.lsp.get_client_by_id(client.id) == nil end, 20)
emit('STOPPED', { stopped = stopped })
vim.cmd('qa!')
