<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CasebooksDialog</name>
    <message numerus="yes">
        <source>%n participant(s), one casebook each</source>
        <translation>
            <numerusform>%n participant, one casebook</numerusform>
            <numerusform>%n participants, one casebook each</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Written: %n casebook(s), one PDF each, in {folder}</source>
        <translation>
            <numerusform>Written: %n casebook, one PDF, in {folder}</numerusform>
            <numerusform>Written: %n casebooks, one PDF each, in {folder}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Written: %n casebook(s) in {file}</source>
        <translation>
            <numerusform>Written: %n casebook in {file}</numerusform>
            <numerusform>Written: %n casebooks in {file}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Eligibility</name>
    <message numerus="yes">
        <source>Incomplete: %n criterion(s) missing</source>
        <translation>
            <numerusform>Incomplete: %n criterion missing</numerusform>
            <numerusform>Incomplete: %n criteria missing</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IdleLock</name>
    <message numerus="yes">
        <source>Locked after %n minute(s) without use.</source>
        <translation>
            <numerusform>Locked after %n minute without use.</numerusform>
            <numerusform>Locked after %n minutes without use.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LabelPrintDialog</name>
    <message numerus="yes">
        <source>Print %n label(s)</source>
        <translation>
            <numerusform>Print %n label</numerusform>
            <numerusform>Print %n labels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n label(s)</source>
        <translation>
            <numerusform>%n label</numerusform>
            <numerusform>%n labels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n page(s) of the roll</source>
        <translation>
            <numerusform>%n page of the roll</numerusform>
            <numerusform>%n pages of the roll</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sheet(s)</source>
        <translation>
            <numerusform>%n sheet</numerusform>
            <numerusform>%n sheets</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Audit trail: %n finding(s)</source>
        <translation>
            <numerusform>Audit trail: %n finding</numerusform>
            <numerusform>Audit trail: %n findings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The check of the audit trail at start found %n problem(s): rows of the trail were changed, removed or added outside Study Coordinator.</source>
        <translation>
            <numerusform>The check of the audit trail at start found %n problem: rows of the trail were changed, removed or added outside Study Coordinator.</numerusform>
            <numerusform>The check of the audit trail at start found %n problems: rows of the trail were changed, removed or added outside Study Coordinator.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ParticipantPanel</name>
    <message numerus="yes">
        <source>%Ln participant(s)</source>
        <translation>
            <numerusform>%Ln participant</numerusform>
            <numerusform>%Ln participants</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ParticipantSamples</name>
    <message numerus="yes">
        <source>%n sample(s)</source>
        <translation>
            <numerusform>%n sample</numerusform>
            <numerusform>%n samples</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SampleDialog</name>
    <message numerus="yes">
        <source>Custody &amp;events (%n)</source>
        <translation>
            <numerusform>Custody &amp;events (%n)</numerusform>
            <numerusform>Custody &amp;events (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Aliquots and deri&amp;vatives (%n)</source>
        <translation>
            <numerusform>Aliquots and deri&amp;vatives (%n)</numerusform>
            <numerusform>Aliquots and deri&amp;vatives (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScreeningLogDialog</name>
    <message numerus="yes">
        <source>&amp;Participants (%n)</source>
        <translation>
            <numerusform>&amp;Participants (%n)</numerusform>
            <numerusform>&amp;Participants (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n screen failure(s) recorded by a status change, without an eligibility confirmation naming the criteria.</source>
        <translation>
            <numerusform>%n screen failure recorded by a status change, without an eligibility confirmation naming the criteria.</numerusform>
            <numerusform>%n screen failures recorded by a status change, without an eligibility confirmation naming the criteria.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ShipDialog</name>
    <message numerus="yes">
        <source>Ship %n sample(s)</source>
        <translation>
            <numerusform>Ship %n sample</numerusform>
            <numerusform>Ship %n samples</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pdf_printing</name>
    <message numerus="yes">
        <source>Printed to {file}: %n page(s).</source>
        <translation>
            <numerusform>Printed to {file}: %n page.</numerusform>
            <numerusform>Printed to {file}: %n pages.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent to {printer}: %n page(s).</source>
        <translation>
            <numerusform>Sent to {printer}: %n page.</numerusform>
            <numerusform>Sent to {printer}: %n pages.</numerusform>
        </translation>
    </message>
</context>
</TS>
