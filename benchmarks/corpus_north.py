"""Hand-written short prose in Norwegian (Bokmål) for the token-estimator corpus (see corpus_langs.py), written
for this corpus.  Norwegian is fitted ("languages" category): it carries æ, ø and å, and a capital Ø or Æ, which
the Grok-1 tokenizer spells as raw bytes, so the fit can weigh them.  Danish, which shares those letters, stays
unseen (corpus_world.py ``UNSEEN``).
"""

NORTH = {
    "nb": """
Vi må stå opp tidlig i morgen, for ferja går klokka sju. Kan du pakke sekken din i kveld? Husk at
regntøyet henger til tørk i gangen.

Hei, pakken jeg bestilte for ti dager siden har fortsatt ikke kommet, og sporingen har stått stille siden
forrige fredag. Kan dere sjekke hvor den har blitt av og gi meg beskjed?

Bergen ligger mellom sju fjell ved kysten av Vestlandet. Bryggen, de gamle trehusene ved havna, står på
UNESCOs verdensarvliste, og byen er kjent for å ha regn nesten to hundre dager i året.

Skriptet leser inn filen linje for linje, men det krasjer når en linje er tom fordi indeksen går utenfor
lista. Sjekk lengden på linjen før du henter ut det første feltet.

Møtet er flyttet til halv tre på torsdag. Øystein tar med de nye tallene fra økonomiavdelingen, og vi må gå
gjennom budsjettet før det sendes til styret.

Hva skal vi lage til middag? Vi har litt laks, poteter og gulrøtter i kjøleskapet; kanskje ovnsbakt fisk
med smørdampede grønnsaker og rømme ved siden av?

Etter siste oppdatering fryser appen hver gang jeg åpner kameraet. Jeg har prøvd å slette den og installere
den på nytt, men feilen kommer tilbake. Hva bør jeg gjøre?

Været på fjellet skifter fort om høsten. Før dere går over vidda, bør dere sjekke værmeldingen, ta med
ekstra ullklær og si fra til noen om hvilken rute dere tenker å følge.

Øvelsen starter på Ørland flystasjon neste uke. Naboer kan oppleve støy om kvelden, og veien forbi
leiren blir stengt for gjennomkjøring i tre døgn.

Barna bygde en snøhule i hagen og ville sove der ute. Vi lot dem prøve, men klokka elleve kom begge to
inn igjen, frosne og fornøyde, og krøp rett under dyna.

Jeg søker på en stilling som sykepleier og trenger hjelp med søknaden. Kan du lese gjennom teksten og
foreslå en kortere og mer presis innledning?

Strømprisen har steget kraftig denne vinteren. Mange husholdninger skrur ned varmen på soverommet og
vasker klær om natten, når prisen er lavest.

Æresprisen gikk i år til en lærer fra Nord-Norge som i førti år har lært bort samisk språk og kultur til
barn i små bygder langs kysten.

Kan du oversette denne e-posten til engelsk? Kunden spør når varene kan leveres, og om det er mulig å få
rabatt på større bestillinger.
""",
}
