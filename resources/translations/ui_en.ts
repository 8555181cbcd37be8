<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
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
    <name>ScreeningLogDialog</name>
    <message numerus="yes">
        <source>%n screen failure(s) recorded by a status change, without an eligibility confirmation naming the criteria.</source>
        <translation>
            <numerusform>%n screen failure recorded by a status change, without an eligibility confirmation naming the criteria.</numerusform>
            <numerusform>%n screen failures recorded by a status change, without an eligibility confirmation naming the criteria.</numerusform>
        </translation>
    </message>
</context>
</TS>
