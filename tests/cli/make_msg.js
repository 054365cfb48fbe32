// make_msg.js - write an Outlook .msg for the tests with msgreader's own
// compound-file writer (@kenjiuno/msgreader's Burner), laid out as
// [MS-OXMSG] says, then read it back with msgreader's reader and print what
// that independent reader sees (JSON), so the test can check the fixture is
// the message it means before judging spillguard on it.
//
//   node make_msg.js OUT.msg ATTACHMENT_FILE
//
// The message: from an officer, to two recipients (To, Cc), a body naming a
// victim, the attachment as a file, and a forwarded message embedded as an
// attachment (its body naming another person).
'use strict';
const fs = require('fs');
const path = require('path');
const { default: MsgReader } = require('@kenjiuno/msgreader');
const { burn } = require('@kenjiuno/msgreader/lib/Burner');

const ROOT = 5, DIR = 1, DOC = 2;

function utf16(s) {
    const b = Buffer.alloc(s.length * 2 + 2);
    b.write(s, 0, 'utf16le');
    return b;
}

// A property stream: header, then 16 bytes a property (tag, flags, value).
function props(headerLen, list) {
    const b = Buffer.alloc(headerLen + 16 * list.length);
    list.forEach(([tag, value], i) => {
        const at = headerLen + 16 * i;
        b.writeUInt32LE(tag >>> 0, at);
        b.writeUInt32LE(6, at + 4); // readable | writable
        if ((tag & 0xffff) === 0x0003)
            b.writeUInt32LE(value, at + 8);
        else
            b.writeUInt32LE(value.length, at + 8); // variable size: its length
    });
    return b;
}

class Tree {
    constructor() {
        this.entries = [{ name: 'Root Entry', type: ROOT, children: [], length: 0 }];
    }
    add(parent, name, data) {
        const i = this.entries.length;
        this.entries.push(data === undefined
            ? { name, type: DIR, children: [], length: 0 }
            : { name, type: DOC, binaryProvider: () => data, length: data.length });
        this.entries[parent].children.push(i);
        return i;
    }
    // a message's streams, recipients and attachments under dir
    message(dir, m, top) {
        const list = [];
        const str = (id, s) => {
            const d = utf16(s);
            this.add(dir, '__substg1.0_' + hex(id) + '001F', d);
            list.push([(id << 16) | 0x001f, d]);
        };
        str(0x0037, m.subject);
        str(0x0c1a, m.from[0]);
        str(0x0c1f, m.from[1]);
        str(0x5d01, m.from[1]);
        str(0x0e04, m.to.filter(r => r[2] === 1).map(r => r[0]).join('; '));
        str(0x0e03, m.to.filter(r => r[2] === 2).map(r => r[0]).join('; '));
        str(0x1000, m.body);
        str(0x001a, 'IPM.Note');
        m.to.forEach((r, k) => {
            const rd = this.add(dir, '__recip_version1.0_#' + hex8(k));
            const rl = [];
            const rs = (id, s) => {
                const d = utf16(s);
                this.add(rd, '__substg1.0_' + hex(id) + '001F', d);
                rl.push([(id << 16) | 0x001f, d]);
            };
            rs(0x3001, r[0]);
            rs(0x3003, r[1]);
            rs(0x39fe, r[1]);
            rs(0x3002, 'SMTP');
            rl.push([0x0c150003, r[2]]);
            rl.push([0x30000003, k]);
            this.add(rd, '__properties_version1.0', props(8, rl));
        });
        (m.attachments || []).forEach((a, k) => {
            const ad = this.add(dir, '__attach_version1.0_#' + hex8(k));
            const al = [];
            const as = (id, s) => {
                const d = utf16(s);
                this.add(ad, '__substg1.0_' + hex(id) + '001F', d);
                al.push([(id << 16) | 0x001f, d]);
            };
            if (a.message) {
                as(0x3001, a.message.subject);
                const md = this.add(ad, '__substg1.0_3701000D');
                this.message(md, a.message, false);
                al.push([0x37050003, 5]); // ATTACH_EMBEDDED_MSG
            } else {
                as(0x3707, a.name);
                as(0x3704, a.name.slice(0, 8));
                as(0x3001, a.name);
                this.add(ad, '__substg1.0_37010102', a.data);
                al.push([0x37010102, a.data]);
                al.push([0x37050003, 1]); // ATTACH_BY_VALUE
            }
            al.push([0x0e210003, k]);
            this.add(ad, '__properties_version1.0', props(8, al));
        });
        const n = m.to.length, na = (m.attachments || []).length;
        const head = Buffer.alloc(top ? 32 : 24);
        head.writeUInt32LE(n, 8);
        head.writeUInt32LE(na, 12);
        head.writeUInt32LE(n, 16);
        head.writeUInt32LE(na, 20);
        const p = props(head.length, list);
        head.copy(p, 0);
        this.add(dir, '__properties_version1.0', p);
        if (top) {
            const nd = this.add(dir, '__nameid_version1.0');
            this.add(nd, '__substg1.0_00020102', Buffer.alloc(0));
            this.add(nd, '__substg1.0_00030102', Buffer.alloc(0));
            this.add(nd, '__substg1.0_00040102', Buffer.alloc(0));
        }
    }
}

function hex(id) {
    return id.toString(16).toUpperCase().padStart(4, '0');
}
function hex8(k) {
    return k.toString(16).toUpperCase().padStart(8, '0');
}

const [out, attach] = process.argv.slice(2);
const t = new Tree();
t.message(0, {
    subject: 'FOI 2023/118 release',
    from: ['Sgt Alan McBride', 'alan.mcbride@police.example.gov.uk'],
    to: [['Priya Natarajan', 'priya.natarajan@example.org', 1],
         ['Disclosure Unit', 'foi@police.example.gov.uk', 2]],
    body: 'Please find the release attached.\r\nThe victim, Mary Jones (NI number AB123456C), ' +
          'asked not to be named.\r\n',
    attachments: [
        // a copy: a small file's Buffer is a view into a shared pool, and the
        // writer takes the whole underlying buffer
        { name: path.basename(attach), data: Uint8Array.from(fs.readFileSync(attach)) },
        { message: { subject: 'Original report', from: ['Tom Hughes', 'tom.hughes@example.org'],
                     to: [['Alan McBride', 'alan.mcbride@police.example.gov.uk', 1]],
                     body: 'Report from Tom Hughes: date of birth 12/03/1981.\r\n' } },
    ],
}, true);
fs.writeFileSync(out, burn(t.entries));

// what an independent reader makes of it
const r = new MsgReader(fs.readFileSync(out));
const d = r.getFileData();
if (d.error)
    throw new Error(d.error);
const att = d.attachments.map(a => {
    if (a.innerMsgContent)
        return { message: a.innerMsgContentFields.subject, body: a.innerMsgContentFields.body };
    const c = r.getAttachment(a);
    return { fileName: c.fileName, length: c.content.length,
             same: Buffer.compare(Buffer.from(c.content), fs.readFileSync(attach)) === 0 };
});
console.log(JSON.stringify({
    subject: d.subject, senderName: d.senderName, senderEmail: d.senderEmail, body: d.body,
    recipients: d.recipients.map(x => [x.name, x.smtpAddress || x.email, x.recipType]),
    attachments: att,
}));
